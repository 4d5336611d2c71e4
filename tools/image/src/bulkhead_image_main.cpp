// bulkhead_image: a small CLI over the image library.
//   bulkhead_image boards            lists the registered boards
//   bulkhead_image inspect <image>   prints the spec packed in an image
#include "image/board.hpp"
#include "image/elf_file.hpp"

#include <spec/boot_info.hpp>
#include <spec/spec_validator.hpp>
#include <spec/spec_view.hpp>

#include <cstring>
#include <iostream>
#include <stdexcept>

namespace {

int inspect(const std::string& path) {
    const image::ElfImage elf = image::read_elf(path);
    spec::BootInfo info{};
    const image::ElfSegment* spec_segment = nullptr;
    for (const auto& s : elf.segments) {
        const uint64_t at = elf.entry + spec::kBootInfoOffsetFromEntry;
        if (at >= s.paddr && at + sizeof info <= s.paddr + s.data.size())
            std::memcpy(&info, s.data.data() + (at - s.paddr), sizeof info);
    }
    for (const auto& s : elf.segments)
        if (s.paddr == info.spec_phys) spec_segment = &s;
    if (spec_segment == nullptr) {
        std::cerr << path << ": no spec found\n";
        return 1;
    }
    const spec::Verdict v = spec::validate(spec_segment->data.data(), spec_segment->data.size());
    if (!v.ok) {
        std::cerr << path << ": spec invalid: " << v.what << " " << v.where << "\n";
        return 1;
    }
    const spec::SpecView view(spec_segment->data.data());
    std::cout << "board " << view.board().name << ", spec at 0x" << std::hex << info.spec_phys
              << std::dec << " (" << view.header().total_size << " bytes)\n";
    for (const auto& d : view.domains())
        std::cout << "domain " << d.name << ": " << d.cap_count << " slots\n";
    for (const auto& t : view.threads())
        std::cout << "thread " << t.name << " domain " << t.domain << " prio " << t.priority
                  << " entry 0x" << std::hex << t.entry << std::dec << "\n";
    for (const auto& r : view.regions())
        std::cout << "region 0x" << std::hex << r.phys << " size 0x" << r.size << std::dec << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const std::string cmd = argc > 1 ? argv[1] : "";
        if (cmd == "boards") {
            for (const auto& n : image::BoardRegistry::names())
                std::cout << n << "\n";
            return 0;
        }
        if (cmd == "inspect" && argc == 3) return inspect(argv[2]);
        std::cerr << "usage: bulkhead_image boards | inspect <image.elf>\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "bulkhead_image: " << e.what() << "\n";
        return 1;
    }
}
