// ELF64 little-endian AArch64: PT_LOAD segments in, PT_LOAD segments out.
#include "image/elf_file.hpp"

#include "image/file_bytes.hpp"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace image {
namespace {

std::runtime_error failure(const std::string& path, const std::string& why) {
    return std::runtime_error(path + ": " + why);
}

// The ELF header of a file of `file_size` bytes whose first bytes are `head`, checked.
Elf64_Ehdr checked_header(const uint8_t* head, uint64_t file_size, const std::string& path) {
    if (file_size < sizeof(Elf64_Ehdr)) throw failure(path, "too short for an ELF header");
    Elf64_Ehdr eh;
    std::memcpy(&eh, head, sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) throw failure(path, "not an ELF file");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_machine != EM_AARCH64)
        throw failure(path, "not a little-endian AArch64 ELF64 file");
    if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr) > file_size)
        throw failure(path, "bad program header table");
    return eh;
}

// Whether program header `i` is a loadable segment with memory; throws if it runs past the file.
bool is_load(const Elf64_Phdr& ph, uint64_t file_size, unsigned i, const std::string& path) {
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) return false;
    if (ph.p_offset + ph.p_filesz > file_size || ph.p_filesz > ph.p_memsz)
        throw failure(path, "segment " + std::to_string(i) + " runs past the file");
    return true;
}

// `size` bytes of the file from `offset`.
std::vector<uint8_t> file_range(const std::string& path, uint64_t offset, uint64_t size) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> bytes(size);
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in ||
        !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) {
        throw std::runtime_error(path + ": cannot read " + std::to_string(size) + " bytes at " +
                                 std::to_string(offset));
    }
    return bytes;
}

struct LoadPlace {
    uint64_t vaddr, paddr, memsz, offset, filesz;
    uint32_t flags;
};

// The header's entry and the PT_LOAD program headers, read without the rest of the file.
std::vector<LoadPlace> load_places(const std::string& path, uint64_t& entry) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw failure(path, "cannot open");
    const auto file_size = static_cast<uint64_t>(in.tellg());
    const std::vector<uint8_t> head =
        file_range(path, 0, std::min<uint64_t>(file_size, sizeof(Elf64_Ehdr)));
    const Elf64_Ehdr eh = checked_header(head.data(), file_size, path);
    entry = eh.e_entry;
    const std::vector<uint8_t> headers =
        file_range(path, eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr));
    std::vector<LoadPlace> places;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, headers.data() + i * sizeof ph, sizeof ph);
        if (is_load(ph, file_size, i, path)) {
            places.push_back(
                {ph.p_vaddr, ph.p_paddr, ph.p_memsz, ph.p_offset, ph.p_filesz, ph.p_flags});
        }
    }
    return places;
}

} // namespace

ElfImage read_elf_segments(const std::string& path, const SegmentWanted& wanted) {
    ElfImage image;
    for (const LoadPlace& p : load_places(path, image.entry)) {
        if (!wanted(p.paddr, p.filesz)) continue;
        image.segments.push_back(ElfSegment{.vaddr = p.vaddr,
                                            .paddr = p.paddr,
                                            .memsz = p.memsz,
                                            .flags = p.flags,
                                            .data = file_range(path, p.offset, p.filesz)});
    }
    return image;
}

ElfImage read_elf(const std::string& path) {
    const std::vector<uint8_t> bytes = file_bytes(path);
    auto fail = [&](const std::string& why) { return failure(path, why); };
    const Elf64_Ehdr eh = checked_header(bytes.data(), bytes.size(), path);
    ElfImage image;
    image.entry = eh.e_entry;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, bytes.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (!is_load(ph, bytes.size(), i, path)) continue;
        ElfSegment seg;
        seg.vaddr = ph.p_vaddr;
        seg.paddr = ph.p_paddr;
        seg.memsz = ph.p_memsz;
        seg.flags = ph.p_flags;
        seg.data.assign(bytes.begin() + static_cast<long>(ph.p_offset),
                        bytes.begin() + static_cast<long>(ph.p_offset + ph.p_filesz));
        image.segments.push_back(std::move(seg));
    }
    if (image.segments.empty()) throw fail("no loadable segments");
    image.position_independent = eh.e_type == ET_DYN;

    // Relocations of a position-independent image, through its dynamic section.
    auto file_offset = [&](uint64_t vaddr, uint64_t size) -> uint64_t {
        for (unsigned i = 0; i < eh.e_phnum; ++i) {
            Elf64_Phdr ph;
            std::memcpy(&ph, bytes.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
            if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr &&
                vaddr + size <= ph.p_vaddr + ph.p_filesz)
                return ph.p_offset + (vaddr - ph.p_vaddr);
        }
        throw fail("dynamic data outside the file's segments");
    };
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, bytes.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_DYNAMIC) continue;
        if (ph.p_offset + ph.p_filesz > bytes.size()) throw fail("bad dynamic segment");
        uint64_t rela = 0, rela_size = 0, rela_entry = sizeof(Elf64_Rela);
        for (uint64_t off = 0; off + sizeof(Elf64_Dyn) <= ph.p_filesz; off += sizeof(Elf64_Dyn)) {
            Elf64_Dyn d;
            std::memcpy(&d, bytes.data() + ph.p_offset + off, sizeof d);
            if (d.d_tag == DT_NULL) break;
            if (d.d_tag == DT_RELA) rela = d.d_un.d_ptr;
            if (d.d_tag == DT_RELASZ) rela_size = d.d_un.d_val;
            if (d.d_tag == DT_RELAENT) rela_entry = d.d_un.d_val;
            if (d.d_tag == DT_REL) throw fail("REL relocations are not supported");
        }
        if (rela_size == 0) continue;
        if (rela_entry != sizeof(Elf64_Rela)) throw fail("bad relocation entry size");
        const uint64_t at = file_offset(rela, rela_size);
        for (uint64_t off = 0; off < rela_size; off += sizeof(Elf64_Rela)) {
            Elf64_Rela r;
            std::memcpy(&r, bytes.data() + at + off, sizeof r);
            image.relocations.push_back(ElfRelocation{
                r.r_offset, static_cast<uint32_t>(ELF64_R_TYPE(r.r_info)), r.r_addend});
        }
    }
    return image;
}

void relocate(ElfImage& image, uint64_t base, const std::string& what) {
    if (!image.position_independent) throw std::runtime_error(what + ": not position independent");
    for (const ElfRelocation& r : image.relocations) {
        if (r.type == R_AARCH64_NONE) continue;
        if (r.type != R_AARCH64_RELATIVE) {
            throw std::runtime_error(what + ": unsupported relocation type " +
                                     std::to_string(r.type));
        }
        bool applied = false;
        for (ElfSegment& s : image.segments) {
            if (r.offset >= s.vaddr && r.offset + 8 <= s.vaddr + s.data.size()) {
                const uint64_t value = base + static_cast<uint64_t>(r.addend);
                std::memcpy(s.data.data() + (r.offset - s.vaddr), &value, sizeof value);
                applied = true;
                break;
            }
        }
        if (!applied) throw std::runtime_error(what + ": relocation outside initialised data");
    }
    for (ElfSegment& s : image.segments) {
        s.vaddr += base;
        s.paddr = s.vaddr;
    }
    image.entry += base;
    image.relocations.clear();
    image.position_independent = false;
}

void write_elf(const std::string& path, const ElfImage& image) {
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_AARCH64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = image.entry;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = static_cast<uint16_t>(image.segments.size());

    uint64_t offset = sizeof(Elf64_Ehdr) + image.segments.size() * sizeof(Elf64_Phdr);
    offset = (offset + 4095) & ~uint64_t{4095};
    std::vector<Elf64_Phdr> phdrs;
    std::vector<uint64_t> offsets;
    for (const ElfSegment& s : image.segments) {
        Elf64_Phdr ph{};
        ph.p_type = PT_LOAD;
        ph.p_flags = s.flags;
        ph.p_offset = offset;
        ph.p_vaddr = s.vaddr;
        ph.p_paddr = s.paddr;
        ph.p_filesz = s.data.size();
        ph.p_memsz = s.memsz;
        ph.p_align = 4096;
        phdrs.push_back(ph);
        offsets.push_back(offset);
        offset = (offset + s.data.size() + 4095) & ~uint64_t{4095};
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(path + ": cannot write");
    out.write(reinterpret_cast<const char*>(&eh), sizeof eh);
    out.write(reinterpret_cast<const char*>(phdrs.data()),
              static_cast<std::streamsize>(phdrs.size() * sizeof(Elf64_Phdr)));
    for (size_t i = 0; i < image.segments.size(); ++i) {
        out.seekp(static_cast<std::streamoff>(offsets[i]));
        const auto& d = image.segments[i].data;
        out.write(reinterpret_cast<const char*>(d.data()), static_cast<std::streamsize>(d.size()));
    }
    if (!out) throw std::runtime_error(path + ": write failed");
}

} // namespace image
