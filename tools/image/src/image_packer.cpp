// Packing: lay out, write the spec, patch the kernel's boot info so it finds the
// spec and its console, emit one PT_LOAD per kernel segment, the spec, and each
// region that has initial contents.
#include "image/image_packer.hpp"

#include "image/elf_file.hpp"
#include "image/memory_layout.hpp"
#include "image/spec_writer.hpp"

#include <spec/boot_info.hpp>

#include <elf.h>

#include <cstring>
#include <stdexcept>

namespace image {
namespace {

void patch_boot_info(ElfImage& kernel, const spec::BootInfo& info) {
    const uint64_t at = kernel.entry + spec::kBootInfoOffsetFromEntry;
    for (ElfSegment& s : kernel.segments) {
        if (at >= s.paddr && at + sizeof info <= s.paddr + s.data.size()) {
            uint8_t* p = s.data.data() + (at - s.paddr);
            if (std::memcmp(p, spec::kBootInfoMagic, sizeof spec::kBootInfoMagic) != 0) break;
            std::memcpy(p, &info, sizeof info);
            return;
        }
    }
    throw std::runtime_error("kernel ELF has no boot info block after its entry point");
}

} // namespace

void pack_image(const SystemDescription& system, const std::string& kernel_elf,
                const std::string& out_elf, const PackOptions& options) {
    ElfImage kernel = read_elf(kernel_elf);
    // A position-independent kernel goes to the start of the board's kernel pool.
    if (kernel.position_independent)
        relocate(kernel, system.board.kernel_pool.base.align_up(2u << 20).raw(), kernel_elf);
    uint64_t kernel_end = 0;
    for (const ElfSegment& s : kernel.segments) {
        if (!system.board.kernel_pool.contains(base::PhysRange{base::PhysAddr{s.paddr}, s.memsz})) {
            throw std::runtime_error(kernel_elf + ": kernel segment outside " + system.board.name +
                                     "'s kernel pool");
        }
        kernel_end = std::max(kernel_end, s.paddr + s.memsz);
    }
    const Layout layout = lay_out(system, base::PhysAddr{kernel_end});
    std::vector<uint8_t> spec_bytes = write_spec(system, layout);
    if (options.tamper_spec) options.tamper_spec(spec_bytes);

    spec::BootInfo info{};
    std::memcpy(info.magic, spec::kBootInfoMagic, sizeof info.magic);
    info.spec_phys = layout.spec_base.raw();
    info.spec_bytes = spec_bytes.size();
    info.console_base = system.board.console.base.raw();
    info.console_kind = static_cast<uint32_t>(system.board.console.kind);
    info.console_reg_shift = system.board.console.reg_shift;
    patch_boot_info(kernel, info);

    ElfImage out;
    out.entry = kernel.entry;
    out.segments = kernel.segments;
    ElfSegment spec_segment;
    spec_segment.vaddr = spec_segment.paddr = layout.spec_base.raw();
    spec_segment.memsz = spec_bytes.size();
    spec_segment.flags = PF_R;
    spec_segment.data = std::move(spec_bytes);
    out.segments.push_back(std::move(spec_segment));
    for (size_t i = 0; i < system.regions.size(); ++i) {
        const RegionDesc& r = system.regions[i];
        if (r.contents.empty()) continue;
        ElfSegment seg;
        seg.vaddr = seg.paddr = layout.region_base[i].raw();
        seg.memsz = r.contents.size();
        seg.flags = PF_R | PF_W;
        seg.data = r.contents;
        out.segments.push_back(std::move(seg));
    }
    write_elf(out_elf, out);
}

} // namespace image
