// bulkhead_image: a small CLI over the image library.
//   bulkhead_image boards            lists the registered boards
//   bulkhead_image compatibles       prints the DT compatibles of each console kind and GIC
//                                    version (image/dt_compatibles.hpp), one line each
//   bulkhead_image inspect <image>   prints the spec packed in an image
//   bulkhead_image booti <image> <out> <board.dtb>
//                                    writes the image as an arm64 boot Image (U-Boot's booti)
//   bulkhead_image guest-dtb <image> <vm> <board.dtb> <out.dtb>
//                                    builds the DTB VM <vm> of the image would give its guest
#include "image/arm64_boot_image.hpp"
#include "image/board.hpp"
#include "image/dt_compatibles.hpp"
#include "image/elf_file.hpp"

#include <arch/gic_compatibles.hpp>
#include <spec/boot_info.hpp>
#include <spec/core_use.hpp>
#include <spec/instance_page.hpp>
#include <spec/spec_validator.hpp>
#include <spec/spec_view.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <vector>

#include <vmm/guest_ram_layout.hpp>
#include <vmm/vm_guest_dtb.hpp>

extern "C" {
#include <libfdt.h>
}

namespace {

// An image read back: its ELF, the kernel's boot info and the spec that names (checked as
// the kernel checks it at boot).
struct ImageSpec {
    image::ElfImage elf;
    spec::BootInfo info{};
    const image::ElfSegment* segment = nullptr; // in elf.segments
    [[nodiscard]] spec::SpecView view() const { return spec::SpecView(segment->data.data()); }
};

// How much of the image a command reads: all of it, or only the kernel's boot info and
// the spec (ImageSpec::elf then holds just the segments that have them).
enum class Reading : uint8_t { Whole, SpecOnly };

// Nothing when the image has no spec or an invalid one (said on stderr).
std::optional<ImageSpec> read_image_spec(const std::string& path,
                                         Reading reading = Reading::Whole) {
    std::optional<ImageSpec> got;
    if (reading == Reading::Whole) {
        got.emplace(ImageSpec{image::read_elf(path)});
    } else {
        // Two passes over the program headers: the boot info (at the entry) names the
        // spec's segment. The guest images, tens of MB, are never read.
        const auto none = [](uint64_t, uint64_t) { return false; };
        const uint64_t at =
            image::read_elf_segments(path, none).entry + spec::kBootInfoOffsetFromEntry;
        const image::ElfImage first = image::read_elf_segments(
            path, [&](uint64_t paddr, uint64_t size) { return at >= paddr && at < paddr + size; });
        spec::BootInfo info{};
        for (const auto& s : first.segments) {
            if (at + sizeof info <= s.paddr + s.data.size())
                std::memcpy(&info, s.data.data() + (at - s.paddr), sizeof info);
        }
        got.emplace(ImageSpec{image::read_elf_segments(path, [&](uint64_t paddr, uint64_t size) {
            return (at >= paddr && at < paddr + size) || paddr == info.spec_phys;
        })});
    }
    ImageSpec& r = *got;
    for (const auto& s : r.elf.segments) {
        const uint64_t at = r.elf.entry + spec::kBootInfoOffsetFromEntry;
        if (at >= s.paddr && at + sizeof r.info <= s.paddr + s.data.size())
            std::memcpy(&r.info, s.data.data() + (at - s.paddr), sizeof r.info);
    }
    for (const auto& s : r.elf.segments)
        if (s.paddr == r.info.spec_phys) r.segment = &s;
    if (r.segment == nullptr) {
        std::cerr << path << ": no spec found\n";
        return std::nullopt;
    }
    const spec::Verdict v = spec::validate(r.segment->data.data(), r.segment->data.size());
    if (!v.ok) {
        std::cerr << path << ": spec invalid: " << v.what << " " << v.where << "\n";
        return std::nullopt;
    }
    return got;
}

// Where a boot loader counts an arm64 Image's text_offset from: the start of the board's
// first RAM bank (U-Boot's booti: its first DRAM bank, which it has from this DTB or from
// the firmware that fills the DTB's memory node in), rounded up to 2 MiB as booti does.
// Not the board record's RAM, which may leave out RAM below it (rpi4: the first GiB).
uint64_t first_ram_bank(const std::string& dtb_path) {
    std::ifstream in(dtb_path, std::ios::binary);
    const std::vector<char> dtb((std::istreambuf_iterator<char>(in)), {});
    if (dtb.empty() || fdt_check_header(dtb.data()) != 0)
        throw std::runtime_error(dtb_path + ": not a DTB");
    const void* fdt = dtb.data();
    const int ac = fdt_address_cells(fdt, 0);
    const int sc = fdt_size_cells(fdt, 0);
    uint64_t lowest = UINT64_MAX;
    for (int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
         node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
        int len = 0;
        const auto* reg = static_cast<const fdt32_t*>(fdt_getprop(fdt, node, "reg", &len));
        const int entry = ac + sc;
        for (int i = 0; reg != nullptr && entry > 0 && (i + entry) * 4 <= len; i += entry) {
            uint64_t base = 0;
            for (int c = 0; c < ac; ++c)
                base = (base << 32) | fdt32_to_cpu(reg[i + c]);
            lowest = std::min(lowest, base);
        }
    }
    if (lowest == UINT64_MAX) throw std::runtime_error(dtb_path + ": no memory node with a reg");
    constexpr uint64_t k2MiB = uint64_t{1} << 21;
    return (lowest + k2MiB - 1) & ~(k2MiB - 1);
}

// The image as an arm64 boot Image for the board its spec names, placed as a boot loader
// places it on that board (its DTB's first RAM bank).
int booti(const std::string& path, const std::string& out_path, const std::string& dtb_path) {
    const std::optional<ImageSpec> loaded = read_image_spec(path);
    if (!loaded) return 1;
    const image::ElfImage& elf = loaded->elf;
    const spec::SpecView view = loaded->view();
    const uint64_t ram_base = first_ram_bank(dtb_path);
    const image::Arm64BootImage img = image::make_arm64_boot_image(elf, ram_base);
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(img.bytes.data()),
              static_cast<std::streamsize>(img.bytes.size()));
    if (!out) {
        std::cerr << out_path << ": cannot write\n";
        return 1;
    }
    std::cout << out_path << ": arm64 boot Image for " << view.board().name << ", "
              << img.bytes.size() << " bytes; booti moves it from where it was loaded to 0x"
              << std::hex << img.load_address << " (first RAM bank at 0x" << ram_base
              << " + text_offset 0x" << img.text_offset << ")" << std::dec << "\n";
    return 0;
}

// The bytes a domain sees at `ipa` (its instance page), from the image's segments.
std::vector<uint8_t> domain_bytes(const image::ElfImage& elf, const spec::SpecView& view,
                                  uint32_t domain, uint64_t ipa, uint64_t size) {
    for (const auto& m : view.mappings()) {
        if (m.domain != domain || ipa < m.ipa || ipa + size > m.ipa + m.size) continue;
        const uint64_t phys = view.regions()[m.region].phys + m.offset + (ipa - m.ipa);
        for (const auto& s : elf.segments) {
            if (phys >= s.paddr && phys + size <= s.paddr + s.data.size()) {
                const auto from = s.data.begin() + static_cast<std::ptrdiff_t>(phys - s.paddr);
                return {from, from + static_cast<std::ptrdiff_t>(size)};
            }
        }
    }
    return {};
}

// The guest DTB a VM of the image builds at boot from `board_dtb` (without the nodes of the
// VMM's devices, which they add when they start, and without an initrd range).
int guest_dtb(const std::string& path, const std::string& vm, const std::string& dtb_path,
              const std::string& out_path) {
    const std::optional<ImageSpec> loaded = read_image_spec(path);
    if (!loaded) return 1;
    const image::ElfImage& elf = loaded->elf;
    const spec::SpecView view = loaded->view();
    uint32_t domain = UINT32_MAX;
    for (uint32_t d = 0; d < view.domains().size(); ++d)
        if (vm == view.domains()[d].name) domain = d;
    // The header first: it says how much of the page was written.
    std::vector<uint8_t> page = domain_bytes(elf, view, domain, spec::instance::kInstancePageAddr,
                                             sizeof(spec::instance::Header));
    spec::instance::Header h{};
    if (page.size() == sizeof h) {
        std::memcpy(&h, page.data(), sizeof h);
        page = domain_bytes(elf, view, domain, spec::instance::kInstancePageAddr, h.size);
    }
    if (page.size() < sizeof h) {
        std::cerr << path << ": no instance page for domain '" << vm << "'\n";
        return 1;
    }
    vmm::vm_config::View config;
    if (h.type_blob.offset > page.size() || h.type_blob.count > page.size() - h.type_blob.offset ||
        !config.open(
            std::as_bytes(std::span(page).subspan(h.type_blob.offset, h.type_blob.count)))) {
        std::cerr << path << ": '" << vm << "' has no VM configuration\n";
        return 1;
    }
    vmm::GuestRamLayout layout{};
    if (vmm::guest_ram_layout(config.header().address, config.header().map_unity_ram != 0, layout,
                              false) != vmm::LayoutError::Ok) {
        std::cerr << path << ": '" << vm << "': guest RAM layout refused\n";
        return 1;
    }
    static vmm::VmGuestDtb settings; // large: keep it off the stack
    vmm::vm_guest_dtb(config, settings);
    settings.config.ram = layout.ram;
    std::ifstream in(dtb_path, std::ios::binary);
    const std::vector<char> board((std::istreambuf_iterator<char>(in)), {});
    std::vector<std::byte> out(vmm::kMaxDtbSize);
    std::size_t size = 0;
    const vmm::DtbError e =
        vmm::build_guest_dtb(std::as_bytes(std::span(board)), settings.config, out, size);
    if (e != vmm::DtbError::Ok) {
        std::cerr << path << ": '" << vm << "': guest DTB from " << dtb_path << ": "
                  << vmm::to_string(e) << "\n";
        return 1;
    }
    std::ofstream o(out_path, std::ios::binary | std::ios::trunc);
    o.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(size));
    if (!o) {
        std::cerr << out_path << ": cannot write\n";
        return 1;
    }
    // What the DTB must show, for tests/tool/guest_dtb_check.py.
    const vmm::GuestDtbConfig& c = settings.config;
    std::cout << out_path << ": " << vm << "'s guest DTB, " << size << " bytes\n"
              << std::hex << "ram 0x" << c.ram.base.raw() << " 0x" << c.ram.size << " gicd 0x"
              << c.gicd.base.raw() << " gicc 0x" << c.gicc.base.raw() << std::dec << " vcpus "
              << c.num_vcpus << "\nstdout " << c.stdout_path << "\nbootargs " << c.bootargs << "\n";
    for (std::string_view p : c.passthrough)
        std::cout << "passthrough " << p << "\n";
    for (const vmm::KeptNode& k : c.keep)
        std::cout << "keep " << k.path << "\n";
    return 0;
}

int inspect(const std::string& path) {
    const std::optional<ImageSpec> loaded = read_image_spec(path);
    if (!loaded) return 1;
    const image::ElfImage& elf = loaded->elf;
    const spec::BootInfo& info = loaded->info;
    const spec::SpecView view = loaded->view();
    std::cout << std::hex << "board " << view.board().name << ", kernel entry 0x" << elf.entry
              << ", spec at 0x" << info.spec_phys << std::dec << " (" << view.header().total_size
              << " bytes)"
              << ((view.board().flags & spec::BoardStage2PagesOnly) != 0
                      ? ", stage 2 in 4 KiB leaves only"
                      : "")
              << "\n";
    // The board as the kernel will drive it: GIC frames and the console its boot info names.
    const spec::Board& b = view.board();
    const auto kind = static_cast<spec::ConsoleKind>(info.console_kind);
    const image::ConsoleCompatibles* console = image::console_compatibles(kind);
    std::cout << std::hex << "board ram 0x" << b.ram_base << "..0x" << b.ram_base + b.ram_size
              << ", gic v" << b.gic_version << " gicd 0x" << b.gicd << " gicc 0x" << b.gicc
              << " gich 0x" << b.gich << " gicv 0x" << b.gicv << " gicr 0x" << b.gicr
              << ", console "
              << (console != nullptr                ? console->name
                  : kind == spec::ConsoleKind::None ? std::string_view("none")
                                                    : std::string_view("unknown"))
              << " at 0x" << info.console_base << std::dec << " shift " << info.console_reg_shift
              << " irq " << b.uart_irq << ", " << b.cpu_count << " CPUs\n";
    for (uint32_t d = 0; d < view.domains().size(); ++d) {
        const auto& dom = view.domains()[d];
        std::cout << "domain " << d << " " << dom.name << "\n";
        for (uint32_t c = 1; c < dom.cap_count; ++c) {
            const auto& cap = view.caps()[dom.cap_first + c];
            std::cout << "  slot " << c << ": " << spec::cap_type_name(cap.type) << " "
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
                                                                        : "");
            if (m.window_size != 0) {
                std::cout << std::hex << " movable in 0x" << m.ipa << "..0x"
                          << m.ipa + m.window_size << std::dec;
            }
            std::cout << "\n";
        }
        for (uint32_t t = 0; t < view.threads().size(); ++t) {
            const auto& th = view.threads()[t];
            if (th.domain != d) continue;
            std::cout << "  thread " << t << " " << th.name << " prio " << th.priority << " core "
                      << th.core << " entry 0x" << std::hex << th.entry << " stack 0x"
                      << th.stack_top << std::dec;
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

// The -smp a QEMU run of the image needs: the cores its threads are pinned to, numbered
// from 0 (spec/core_use.hpp). The kernel starts only those; QEMU's other cores would
// sit off and still cost the busy ones host time.
int qemu_smp(const std::string& path) {
    const std::optional<ImageSpec> loaded = read_image_spec(path, Reading::SpecOnly);
    if (!loaded) return 1;
    const spec::SpecView view = loaded->view();
    std::cout << spec::core_use::machine_cores(
                     spec::core_use::cores_to_start(view.threads(), view.board().cpu_count))
              << "\n";
    return 0;
}

// `console <kind> <compatible>...` and `gic <version> <compatible>...` lines.
int compatibles() {
    const auto words = [](const auto& list) {
        for (std::string_view c : list)
            if (!c.empty()) std::cout << " " << c;
        std::cout << "\n";
    };
    for (const image::ConsoleCompatibles& c : image::kConsoleCompatibles) {
        std::cout << "console " << c.name;
        words(c.compatible);
    }
    for (const arm::GicCompatibles& g : arm::kGicCompatibles) {
        std::cout << "gic " << g.version;
        words(g.compatible);
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
        if (cmd == "compatibles" && argc == 2) return compatibles();
        if (cmd == "inspect" && argc == 3) return inspect(argv[2]);
        if (cmd == "qemu-smp" && argc == 3) return qemu_smp(argv[2]);
        if (cmd == "booti" && argc == 5) return booti(argv[2], argv[3], argv[4]);
        if (cmd == "guest-dtb" && argc == 6) return guest_dtb(argv[2], argv[3], argv[4], argv[5]);
        std::cerr << "usage: bulkhead_image boards | compatibles | inspect <image.elf> | "
                     "qemu-smp <image.elf> | booti <image.elf> <out.img> <board.dtb> | "
                     "guest-dtb <image.elf> <vm> <board.dtb> <out.dtb>\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "bulkhead_image: " << e.what() << "\n";
        return 1;
    }
}
