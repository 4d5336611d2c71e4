// The FileServer component: serves the CPIO archive the host program packed into its
// domain to the clients listed in its configuration page, one RPC per message on its
// endpoint (file_server_rpc.hpp), with the protocol logic in libs/fileserver.
#include <file_server/file_server_rpc.hpp>
#include <fileserver/file_server.hpp>

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <cstring>

using namespace runtime;
using file_server_rpc::Op;
using file_server_rpc::ServerConfig;

namespace {

const ServerConfig& config() {
    return *reinterpret_cast<const ServerConfig*>(file_server_rpc::kConfigAddr);
}

std::span<std::byte> dataport_of(uint64_t badge) {
    const ServerConfig& c = config();
    for (uint32_t i = 0; i < c.client_count; ++i) {
        if (c.clients[i].badge == badge) {
            return {reinterpret_cast<std::byte*>(c.clients[i].dataport_addr),
                    c.clients[i].dataport_size};
        }
    }
    return {};
}

// The name is copied out of the dataport first: the client could change it while the
// server looks it up.
int64_t open_call(fileserver::FileServer& fs, uint64_t badge, uint64_t length, int flags) {
    static char name[file_server_rpc::kMaxNameLength];
    const std::span<std::byte> port = dataport_of(badge);
    if (port.empty()) return fileserver::kAccess;
    if (length == 0 || length > sizeof name || length > port.size()) return fileserver::kNoEntry;
    std::memcpy(name, port.data(), length);
    return fs.open(badge, std::string_view(name, length), flags);
}

int64_t dispatch(fileserver::FileServer& fs, uint64_t badge, const Message& m) {
    switch (static_cast<Op>(m.mr[0])) {
    case Op::Open:
        return open_call(fs, badge, m.mr[1], static_cast<int>(m.mr[2]));
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
    const ServerConfig& c = config();
    if (c.magic != ServerConfig::kMagic || c.client_count > ServerConfig::kMaxClients) {
        out() << "fileserver: bad configuration page\n";
        exit();
    }
    fileserver::FileServer fs({reinterpret_cast<const std::byte*>(c.archive_addr), c.archive_size});
    for (uint32_t i = 0; i < c.client_count; ++i) {
        if (!fs.add_client(c.clients[i].badge, dataport_of(c.clients[i].badge))) {
            out() << "fileserver: cannot add client " << Dec{i} << "\n";
            exit();
        }
    }
    out() << "fileserver: serving " << Dec{c.archive_size} << " bytes of archive to "
          << Dec{c.client_count} << " client(s)\n";

    const EndpointCap ep(Slot{c.endpoint_slot});
    Message m;
    uint64_t badge = 0;
    Status s = ep.recv(m, badge);
    for (;;) {
        if (s == Status::Ok) {
            const int64_t result = dispatch(fs, badge, m);
            m = Message{};
            m.mr[0] = static_cast<uint64_t>(result);
        } else {
            out() << "fileserver: receive failed, status " << Dec{static_cast<uint64_t>(s)} << "\n";
            m = Message{};
        }
        s = ep.reply_recv(m, badge);
    }
}
