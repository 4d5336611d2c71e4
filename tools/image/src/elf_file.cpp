// ELF64 little-endian AArch64: PT_LOAD segments in, PT_LOAD segments out.
#include "image/elf_file.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace image {

ElfImage read_elf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot open");
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    auto fail = [&](const std::string& why) { return std::runtime_error(path + ": " + why); };
    if (bytes.size() < sizeof(Elf64_Ehdr)) throw fail("too short for an ELF header");
    Elf64_Ehdr eh;
    std::memcpy(&eh, bytes.data(), sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) throw fail("not an ELF file");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_machine != EM_AARCH64)
        throw fail("not a little-endian AArch64 ELF64 file");
    if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr) > bytes.size())
        throw fail("bad program header table");
    ElfImage image;
    image.entry = eh.e_entry;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, bytes.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        if (ph.p_offset + ph.p_filesz > bytes.size() || ph.p_filesz > ph.p_memsz)
            throw fail("segment " + std::to_string(i) + " runs past the file");
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
    return image;
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
