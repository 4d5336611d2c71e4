// FileServer RPC stubs for native clients (see file_server_rpc.hpp for the layout).
#include <file_server/file_server_client.hpp>

#include <cstring>

namespace file_server_rpc {

int64_t FileServerClient::call(Op op, uint64_t a1, uint64_t a2, uint64_t a3) {
    runtime::Message m;
    m.mr[0] = static_cast<uint64_t>(op);
    m.mr[1] = a1;
    m.mr[2] = a2;
    m.mr[3] = a3;
    // A failed call (no capability, ...) looks like a missing file to the caller.
    if (ep_.call(m) != runtime::Status::Ok) return -2;
    return static_cast<int64_t>(m.mr[0]);
}

int64_t FileServerClient::open(std::string_view name) {
    if (name.empty() || name.size() > dataport_.size() || name.size() > kMaxNameLength) return -2;
    std::memcpy(dataport_.data(), name.data(), name.size());
    return call(Op::Open, name.size(), 0);
}

int64_t FileServerClient::read(int64_t fd, uint64_t size) {
    return call(Op::Read, static_cast<uint64_t>(fd), size);
}

int64_t FileServerClient::seek(int64_t fd, int64_t offset, int whence) {
    return call(Op::Seek, static_cast<uint64_t>(fd), static_cast<uint64_t>(offset),
                static_cast<uint64_t>(whence));
}

int64_t FileServerClient::close(int64_t fd) {
    return call(Op::Close, static_cast<uint64_t>(fd));
}

} // namespace file_server_rpc
