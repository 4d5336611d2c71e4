// file_server_reads client (FsTestClient.camkes): drives the FileServer component over
// its real RPC path. The holder opens a file and leaves it open; the checker then proves
// that neither that fd nor any other it did not open works for it (and that its dataport
// stays untouched), reads every file and compares size and CRC with the host's values
// (its `files` attribute), and checks seek, end of file, bad fds and missing names.
#include "FsTestClient_glue.hpp"

#include <base/crc32_table.hpp>
#include <file_server/file_server_client.hpp>
#include <fileserver/file_server.hpp>

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <cstring>

using namespace runtime;

namespace {

using Self = bulkhead::glue::FsTestClient::Instance;
using Client = file_server_rpc::FileServerClient<bulkhead::glue::FsTestClient::fs_client>;

unsigned failures = 0;

void check(bool ok, const char* what, int64_t got) {
    if (ok) return;
    ++failures;
    out() << "fstest: FAILED " << what << " (got " << Dec{static_cast<uint64_t>(got)} << ")\n";
}

void foreign_fds(Client& fs, std::span<std::byte> port) {
    std::memset(port.data(), 0xa5, port.size());
    unsigned refused = 0;
    for (int64_t fd = 0; fd < 32; ++fd) {
        refused += fs.read(fd, 4096) == fileserver::kBadFd;
        refused += fs.seek(fd, 0, fileserver::kSeekSet) == fileserver::kBadFd;
        refused += fs.close(fd) == fileserver::kBadFd;
    }
    bool untouched = true;
    for (const std::byte b : port)
        untouched = untouched && b == std::byte{0xa5};
    check(refused == 96, "foreign/unopened fds refused", refused);
    check(untouched, "dataport untouched by refused reads", 0);
    out() << "fstest: " << Dec{refused}
          << " of 96 calls on foreign or unopened fds refused with EBADF, dataport "
          << (untouched ? "untouched" : "WRITTEN") << "\n";
}

void read_file(Client& fs, const bulkhead::glue::FsTestClient::files_type& f) {
    const std::string_view name = f.name;
    const int64_t fd = fs.open(name);
    check(fd >= 0, "open", fd);
    if (fd < 0) return;
    base::TableCrc32 crc;
    uint64_t size = 0;
    for (;;) {
        const int64_t n = fs.read(fd, fs.dataport().size());
        if (n <= 0) {
            check(n == 0, "read", n);
            break;
        }
        crc.add(fs.dataport().first(static_cast<std::size_t>(n)));
        size += static_cast<uint64_t>(n);
    }
    const bool ok = size == f.size && crc.value() == f.crc;
    if (!ok) ++failures;
    out() << "fstest: " << name << " " << Dec{size} << " bytes crc " << Hex{crc.value()}
          << (ok ? " matches the host" : " MISMATCH with the host") << "\n";

    // The last 16 bytes again, through seek; then end of file.
    const int64_t at = fs.seek(fd, -16, fileserver::kSeekEnd);
    check(at == static_cast<int64_t>(f.size) - 16, "seek from end", at);
    check(fs.read(fd, 4096) == 16, "read after seek", 0);
    check(fs.read(fd, 4096) == 0, "read at end of file", 0);
    check(fs.seek(fd, 0, 7) == fileserver::kInvalid, "bad whence", 0);
    check(fs.close(fd) == 0, "close", 0);
    check(fs.close(fd) == fileserver::kBadFd, "close twice", 0);
}

} // namespace

extern "C" void component_main(uint64_t) {
    const Self self = Self::mapped();
    if (!self.valid() || !self.fs_connected() || self.files_count() == 0) {
        out() << "fstest: bad instance page\n";
        exit();
    }
    Client fs(self.fs_cap(), self.fs_buffer().span());
    if (self.role() == "holder") {
        const int64_t fd = fs.open(self.files(0).name);
        out() << "fstest holder: holding " << self.files(0).name << " as fd "
              << Dec{static_cast<uint64_t>(fd)} << "\n";
        exit();
    }

    foreign_fds(fs, self.fs_buffer().span());
    for (uint32_t i = 0; i < self.files_count(); ++i)
        read_file(fs, self.files(i));
    check(fs.read(-1, 16) == fileserver::kBadFd, "read fd -1", 0);
    check(fs.read(1000, 16) == fileserver::kBadFd, "read fd 1000", 0);
    check(fs.open("no-such-file") == fileserver::kNoEntry, "open missing", 0);
    out() << "fstest: " << Dec{failures} << " failures\n";
}
