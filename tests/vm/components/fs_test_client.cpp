// file_server_reads client: drives the FileServer component over its real RPC path.
// The holder opens a file and leaves it open; the checker then proves that neither
// that fd nor any other it did not open works for it (and that its dataport stays
// untouched), reads every file and compares size and CRC with the host's values, and
// checks seek, end of file, bad fds and missing names.
#include "components/fs_test_config.hpp"

#include <base/crc32_table.hpp>
#include <file_server/file_server_client.hpp>
#include <fileserver/file_server.hpp>

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <cstring>

using namespace runtime;

namespace {

const fs_test::Config& config() {
    return *reinterpret_cast<const fs_test::Config*>(fs_test::kConfigAddr);
}

unsigned failures = 0;

void check(bool ok, const char* what, int64_t got) {
    if (ok) return;
    ++failures;
    out() << "fstest: FAILED " << what << " (got " << Dec{static_cast<uint64_t>(got)} << ")\n";
}

void foreign_fds(file_server_rpc::FileServerClient& fs, std::span<std::byte> port) {
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

void read_file(file_server_rpc::FileServerClient& fs, const fs_test::Config::File& f) {
    const std::string_view name(f.name, strnlen(f.name, sizeof f.name));
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
    out() << "fstest: " << f.name << " " << Dec{size} << " bytes crc " << Hex{crc.value()}
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
    const fs_test::Config& c = config();
    if (c.magic != fs_test::Config::kMagic) {
        out() << "fstest: bad configuration page\n";
        exit();
    }
    const std::span<std::byte> port(reinterpret_cast<std::byte*>(c.dataport_addr), c.dataport_size);
    file_server_rpc::FileServerClient fs(EndpointCap(Slot{c.fs_slot}), port);

    if (static_cast<fs_test::Role>(c.role) == fs_test::Role::Holder) {
        const int64_t fd = fs.open(c.files[0].name);
        out() << "fstest holder: holding " << c.files[0].name << " as fd "
              << Dec{static_cast<uint64_t>(fd)} << "\n";
        exit();
    }

    foreign_fds(fs, port);
    for (uint32_t i = 0; i < c.file_count && i < fs_test::Config::kMaxFiles; ++i)
        read_file(fs, c.files[i]);
    check(fs.read(-1, 16) == fileserver::kBadFd, "read fd -1", 0);
    check(fs.read(1000, 16) == fileserver::kBadFd, "read fd 1000", 0);
    check(fs.open("no-such-file") == fileserver::kNoEntry, "open missing", 0);
    out() << "fstest: " << Dec{failures} << " failures\n";
    SystemControlCap(Slot{c.power_slot}).power_off();
}
