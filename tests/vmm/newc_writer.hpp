// Test helper: writes newc CPIO archives in memory, so tests (and the fuzz corpus)
// can start from a valid archive and damage it in precise ways.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace vmm::test {

struct NewcFile {
    std::string name;
    std::string data;
    uint32_t mode = 0100644;
};

inline void append_newc(std::vector<std::byte>& out, const NewcFile& f) {
    char header[111];
    std::snprintf(header, sizeof header,
                  "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u, f.mode, 0u, 0u,
                  1u, 0u, static_cast<unsigned>(f.data.size()), 0u, 0u, 0u, 0u,
                  static_cast<unsigned>(f.name.size() + 1), 0u);
    auto put = [&](const char* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(std::byte(p[i]));
    };
    auto pad = [&] {
        while (out.size() % 4 != 0)
            out.push_back(std::byte{0});
    };
    put(header, 110);
    put(f.name.c_str(), f.name.size() + 1);
    pad();
    put(f.data.data(), f.data.size());
    pad();
}

inline std::vector<std::byte> make_newc(const std::vector<NewcFile>& files) {
    std::vector<std::byte> out;
    for (const NewcFile& f : files)
        append_newc(out, f);
    append_newc(out, {"TRAILER!!!", "", 0});
    return out;
}

} // namespace vmm::test
