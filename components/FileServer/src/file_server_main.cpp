// The FileServer component: serves the CPIO archive its lowerer packed into its domain to
// the callers of fs_ctrl its instance page lists (badge and buffer each), through the
// generated dispatch of FileServerInterface (its glue) over the runtime's IPC transport,
// with the protocol logic in libs/fileserver (bad fds, foreign callers, names copied out).
#include "FileServer_glue.hpp"

#include <file_server/file_server_rpc.hpp>
#include <fileserver/file_server.hpp>

#include <runtime/debug_print.hpp>
#include <runtime/rpc_transport.hpp>

#include <cstring>

using namespace runtime;
using Self = bulkhead::glue::FileServer::Instance;

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
    serve(
        self.fs_ctrl_cap(),
        [&fs](uint64_t badge, base::RpcMessage& m) {
            return bulkhead::glue::FileServer::fs_ctrl_dispatch(fs, badge, m);
        },
        [](uint64_t) {}, [&self](uint64_t badge) { return self.fs_ctrl_buffer_of(badge); });
}
