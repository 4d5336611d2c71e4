// libFuzzer target: the FileServer's archive is the input. Walks it, looks names up
// and serves a client from it; every byte handed out must lie inside the archive.
#include <cpio/newc_reader.hpp>
#include <fileserver/file_server.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto archive = std::as_bytes(std::span(data, size));
    cpio::NewcReader reader(archive);
    cpio::Entry entry;
    unsigned entries = 0;
    while (reader.next(entry) == cpio::Error::Ok) {
        const auto* begin = archive.data();
        if (entry.data.data() < begin || entry.data.data() + entry.data.size() > begin + size) {
            __builtin_trap();
        }
        if (++entries > size) __builtin_trap(); // every entry consumes input
    }
    std::array<std::byte, 512> port{};
    fileserver::FileServer fs(archive);
    if (!fs.add_client(1, port)) __builtin_trap();
    for (const char* name : {"linux", "linux-dtb", "linux-initrd"}) {
        const int64_t fd = fs.open(1, name, 0);
        if (fd < 0) continue;
        (void)fs.seek(1, fd, 3, fileserver::kSeekSet);
        while (fs.read(1, fd, 4096) > 0) {
        }
        if (fs.close(1, fd) != 0) __builtin_trap();
    }
    return 0;
}
