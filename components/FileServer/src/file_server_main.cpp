// The FileServer component: serves the CPIO archive its lowerer packed into its domain to
// the callers of fs_ctrl its instance page lists (badge and buffer each, through the
// generated glue), one RPC per message on its endpoint (file_server_rpc.hpp), with the
// protocol logic in libs/fileserver.
#include "FileServer_glue.hpp"

#include <file_server/file_server_rpc.hpp>
#include <fileserver/file_server.hpp>

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <cstring>

using namespace runtime;
using file_server_rpc::Op;
using Self = bulkhead::glue::FileServer::Instance;

namespace {

std::span<std::byte> dataport_of(const Self& self, uint64_t badge) {
    for (uint32_t i = 0; i < self.fs_ctrl_buffer_count(); ++i) {
        if (self.fs_ctrl_buffer(i).peer_badge == badge) return self.fs_ctrl_buffer(i).span();
    }
    return {};
}

// The name is copied out of the dataport first: the client could change it while the
// server looks it up.
int64_t open_call(const Self& self, fileserver::FileServer& fs, uint64_t badge, uint64_t length,
                  int flags) {
    static char name[file_server_rpc::kMaxNameLength];
    const std::span<std::byte> port = dataport_of(self, badge);
    if (port.empty()) return fileserver::kAccess;
    if (length == 0 || length > sizeof name || length > port.size()) return fileserver::kNoEntry;
    std::memcpy(name, port.data(), length);
    return fs.open(badge, std::string_view(name, length), flags);
}

int64_t dispatch(const Self& self, fileserver::FileServer& fs, uint64_t badge, const Message& m) {
    switch (static_cast<Op>(m.mr[0])) {
    case Op::Open:
        return open_call(self, fs, badge, m.mr[1], static_cast<int>(m.mr[2]));
    case Op::Read:
        return fs.read(badge, static_cast<int64_t>(m.mr[1]), m.mr[2]);
    case Op::Seek:
        return fs.seek(badge, static_cast<int64_t>(m.mr[1]), static_cast<int64_t>(m.mr[2]),
                       static_cast<int>(m.mr[3]));
    case Op::Close:
        return fs.close(badge, static_cast<int64_t>(m.mr[1]));
    }
    return fileserver::kInvalid;
}

} // namespace

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    const auto blob = self.type_blob();
    file_server_rpc::ArchiveLocation archive{};
    if (!self.valid() || !self.fs_ctrl_connected() || blob.size() != sizeof archive ||
        self.fs_ctrl_buffer_count() > fileserver::FileServer::kMaxClients) {
        out() << "fileserver: bad instance page\n";
        exit();
    }
    std::memcpy(&archive, blob.data(), sizeof archive);
    fileserver::FileServer fs({reinterpret_cast<const std::byte*>(archive.addr), archive.size});
    for (uint32_t i = 0; i < self.fs_ctrl_buffer_count(); ++i) {
        const auto client = self.fs_ctrl_buffer(i);
        if (!fs.add_client(client.peer_badge, client.span())) {
            out() << "fileserver: cannot add client " << Dec{i} << "\n";
            exit();
        }
    }
    out() << "fileserver: serving " << Dec{archive.size} << " bytes of archive to "
          << Dec{self.fs_ctrl_buffer_count()} << " client(s)\n";

    const EndpointCap ep(Slot{self.fs_ctrl_slot()});
    Message m;
    uint64_t badge = 0;
    Status s = ep.recv(m, badge);
    for (;;) {
        if (s == Status::Ok) {
            const int64_t result = dispatch(self, fs, badge, m);
            m = Message{};
            m.mr[0] = static_cast<uint64_t>(result);
        } else {
            out() << "fileserver: receive failed, status " << Dec{static_cast<uint64_t>(s)} << "\n";
            m = Message{};
        }
        s = ep.reply_recv(m, badge);
    }
}
