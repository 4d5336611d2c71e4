// FileServer protocol: per-client fds over a read-only CPIO archive.
#include <fileserver/file_server.hpp>

#include <cstring>

namespace fileserver {

bool FileServer::add_client(Badge badge, std::span<std::byte> dataport) {
    if (client_count_ == kMaxClients || client(badge) != nullptr || dataport.empty()) return false;
    clients_[client_count_++] = Client{badge, dataport};
    return true;
}

const FileServer::Client* FileServer::client(Badge badge) const {
    for (std::size_t i = 0; i < client_count_; ++i) {
        if (clients_[i].badge == badge) return &clients_[i];
    }
    return nullptr;
}

FileServer::OpenFile* FileServer::file(Badge caller, int64_t fd) {
    if (fd < 0 || fd >= static_cast<int64_t>(kMaxOpenFiles)) return nullptr;
    OpenFile& f = files_[static_cast<std::size_t>(fd)];
    // Another client's fd looks exactly like a closed one.
    return f.used && f.owner == caller ? &f : nullptr;
}

int64_t FileServer::open(Badge caller, std::string_view name, int flags) {
    if (client(caller) == nullptr || (flags & kOpenAccessMask) != 0) return kAccess;
    cpio::Entry entry;
    if (cpio::find(archive_, name, entry) != cpio::Error::Ok || !entry.is_regular_file()) {
        return kNoEntry;
    }
    for (std::size_t fd = 0; fd < kMaxOpenFiles; ++fd) {
        if (!files_[fd].used) {
            files_[fd] = OpenFile{true, caller, entry.data, 0};
            return static_cast<int64_t>(fd);
        }
    }
    return kTooManyFiles;
}

int64_t FileServer::read(Badge caller, int64_t fd, uint64_t size) {
    OpenFile* f = file(caller, fd);
    const Client* c = client(caller);
    if (f == nullptr || c == nullptr) return kBadFd;
    if (f->position >= f->data.size()) return 0;
    uint64_t count = f->data.size() - f->position;
    if (count > size) count = size;
    if (count > c->dataport.size()) count = c->dataport.size();
    std::memcpy(c->dataport.data(), f->data.data() + f->position, count);
    f->position += count;
    return static_cast<int64_t>(count);
}

int64_t FileServer::seek(Badge caller, int64_t fd, int64_t offset, int whence) {
    OpenFile* f = file(caller, fd);
    if (f == nullptr) return kBadFd;
    int64_t origin = 0;
    switch (whence) {
    case kSeekSet:
        origin = 0;
        break;
    case kSeekCur:
        origin = static_cast<int64_t>(f->position);
        break;
    case kSeekEnd:
        origin = static_cast<int64_t>(f->data.size());
        break;
    default:
        return kInvalid;
    }
    int64_t target = 0;
    if (__builtin_add_overflow(origin, offset, &target) || target < 0) return kInvalid;
    f->position = static_cast<uint64_t>(target); // past the end is allowed: reads return 0
    return target;
}

int64_t FileServer::close(Badge caller, int64_t fd) {
    OpenFile* f = file(caller, fd);
    if (f == nullptr) return kBadFd;
    *f = OpenFile{};
    return 0;
}

std::size_t FileServer::open_files() const {
    std::size_t n = 0;
    for (const OpenFile& f : files_)
        n += f.used ? 1 : 0;
    return n;
}

} // namespace fileserver
