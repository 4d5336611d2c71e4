// bulkhead_image: a small CLI over the image library.
//   bulkhead_image boards            lists the registered boards
//   bulkhead_image inspect <image>   prints the spec packed in an image
//   bulkhead_image booti <image> <out>  writes the image as an arm64 boot Image (U-Boot's booti)
#include "image/arm64_boot_image.hpp"
#include "image/board.hpp"
#include "image/elf_file.hpp"

#include <spec/boot_info.hpp>
#include <spec/spec_validator.hpp>
#include <spec/spec_view.hpp>

#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace {

// The spec an image carries (the kernel's boot info names it) and the boot info itself;
// nullptr, with a message on stderr, when there is none or it is invalid.
const image::ElfSegment* find_spec(const image::ElfImage& elf, const std::string& path,
                                   spec::BootInfo& info) {
    info = {};
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
        return nullptr;
    }
    const spec::Verdict v = spec::validate(spec_segment->data.data(), spec_segment->data.size());
    if (!v.ok) {
        std::cerr << path << ": spec invalid: " << v.what << " " << v.where << "\n";
        return nullptr;
    }
    return spec_segment;
}

// The image as an arm64 boot Image for the board its spec names.
int booti(const std::string& path, const std::string& out_path) {
    const image::ElfImage elf = image::read_elf(path);
    spec::BootInfo info{};
    const image::ElfSegment* spec_segment = find_spec(elf, path, info);
    if (spec_segment == nullptr) return 1;
    const spec::SpecView view(spec_segment->data.data());
    const image::Arm64BootImage img = image::make_arm64_boot_image(elf, view.board().ram_base);
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(img.bytes.data()),
              static_cast<std::streamsize>(img.bytes.size()));
    if (!out) {
        std::cerr << out_path << ": cannot write\n";
        return 1;
    }
    std::cout << out_path << ": arm64 boot Image for " << view.board().name << ", "
              << img.bytes.size() << " bytes; booti moves it from where it was loaded to 0x"
              << std::hex << img.load_address << " (RAM at 0x" << view.board().ram_base
              << " + text_offset 0x" << img.text_offset << ")" << std::dec << "\n";
    return 0;
}

int inspect(const std::string& path) {
    const image::ElfImage elf = image::read_elf(path);
    spec::BootInfo info{};
    const image::ElfSegment* spec_segment = find_spec(elf, path, info);
    if (spec_segment == nullptr) return 1;
    const spec::SpecView view(spec_segment->data.data());
    static const char* const kCapNames[] = {
        "null", "endpoint", "notification", "irq-handler", "thread", "system-control", "vcpu"};
    std::cout << std::hex << "board " << view.board().name << ", kernel entry 0x" << elf.entry
              << ", spec at 0x" << info.spec_phys << std::dec << " (" << view.header().total_size
              << " bytes)"
              << ((view.board().flags & spec::BoardStage2PagesOnly) != 0
                      ? ", stage 2 in 4 KiB leaves only"
                      : "")
              << "\n";
    // The board as the kernel will drive it: GIC frames and the console its boot info names.
    const spec::Board& b = view.board();
    static const char* const kConsoleKinds[] = {"none", "pl011", "ns16550", "cadence"};
    std::cout << std::hex << "board ram 0x" << b.ram_base << "..0x" << b.ram_base + b.ram_size
              << ", gic v" << b.gic_version << " gicd 0x" << b.gicd << " gicc 0x" << b.gicc
              << " gich 0x" << b.gich << " gicv 0x" << b.gicv << ", console "
              << (info.console_kind < 4 ? kConsoleKinds[info.console_kind] : "unknown") << " at 0x"
              << info.console_base << std::dec << " shift " << info.console_reg_shift << " irq "
              << b.uart_irq << ", " << b.cpu_count << " CPUs\n";
    for (uint32_t d = 0; d < view.domains().size(); ++d) {
        const auto& dom = view.domains()[d];
        std::cout << "domain " << d << " " << dom.name << "\n";
        for (uint32_t c = 1; c < dom.cap_count; ++c) {
            const auto& cap = view.caps()[dom.cap_first + c];
            std::cout << "  slot " << c << ": " << kCapNames[cap.type < 7 ? cap.type : 0] << " "
                      << cap.object << " badge 0x" << std::hex << cap.badge << std::dec
                      << " rights " << cap.rights << "\n";
        }
        for (const auto& m : view.mappings()) {
            if (m.domain != d) continue;
            const auto& r = view.regions()[m.region];
            std::cout << "  map 0x" << std::hex << m.ipa << "..0x" << m.ipa + m.size << " -> 0x"
                      << r.phys + m.offset << std::dec << " " << ((m.rights & 1) ? "r" : "-")
                      << ((m.rights & 2) ? "w" : "-") << ((m.rights & 4) ? "x" : "-")
                      << (m.cacheability == 1 ? " device" : "")
                      << ((r.flags & spec::RegionZeroOnFirstTouch) != 0 ? " zeroed-on-first-touch"
                                                                        : "")
                      << "\n";
        }
        for (uint32_t t = 0; t < view.threads().size(); ++t) {
            const auto& th = view.threads()[t];
            if (th.domain != d) continue;
            std::cout << "  thread " << t << " " << th.name << " prio " << th.priority
                      << " entry 0x" << std::hex << th.entry << " stack 0x" << th.stack_top
                      << std::dec;
            if (th.fault_endpoint != spec::kNone)
                std::cout << " fault-ep " << th.fault_endpoint << " badge " << th.fault_badge;
            if (th.bound_notification != spec::kNone)
                std::cout << " bound " << th.bound_notification;
            std::cout << "\n";
        }
    }
    for (const auto& h : view.irq_handlers()) {
        std::cout << "irq " << h.irq << " -> notification " << h.notification << " badge 0x"
                  << std::hex << h.badge << std::dec << "\n";
    }
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
        if (cmd == "booti" && argc == 4) return booti(argv[2], argv[3]);
        std::cerr << "usage: bulkhead_image boards | inspect <image.elf> | booti <image.elf> "
                     "<out.img>\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "bulkhead_image: " << e.what() << "\n";
        return 1;
    }
}
