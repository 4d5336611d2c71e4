// Loading a Linux guest through the FileServer: the initrd at initrd_addr, the guest DTB
// (built from the `linux-dtb` file, the platform DTB) at dtb_addr with the initrd's real
// size in /chosen, and the Image where the arm64 boot protocol puts it. The result is
// what the vCPU starts with: PC = the Image's load address, x0 = the DTB, EL1h.
#pragma once

#include <vmm/arm64_image.hpp>
#include <vmm/file_source.hpp>
#include <vmm/guest_dtb.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/guest_ram_layout.hpp>
#include <vmm/log.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace vmm {

// The VM's `linux_image_config` attribute (upstream's names and defaults).
struct LinuxImageConfig {
    std::string_view linux_name = "linux";
    std::string_view dtb_name = "linux-dtb";
    std::string_view initrd_name = "linux-initrd"; // empty: no initrd
    // Guest RAM the Image must stay out of besides the DTB and initrd (e.g. the first
    // 2 MiB, where QEMU and boot loaders put their own DTB); empty: none.
    base::GuestPhysRange image_keep_clear{};
};

struct LinuxBoot {
    base::GuestPhysAddr entry;  // PC
    std::size_t image_size = 0; // bytes of the Image file loaded at entry
    base::GuestPhysAddr dtb;    // x0
    std::size_t dtb_size = 0;
    base::GuestPhysRange initrd; // size 0 without initrd
};

enum class LoadError : uint8_t {
    Ok,
    FileMissing, // open failed
    ReadFailed,  // read/seek failed or the file changed size
    TooLarge,    // the file does not fit where it has to go
    BadImage,    // see the log line for the Image error
    BadDtb,      // see the log line for the DTB error
    NotBacked,   // a target range is not guest memory the VMM has mapped
};
[[nodiscard]] const char* to_string(LoadError error);

// Reads all of file `name` into `dest`; `size` is the file's size.
[[nodiscard]] LoadError load_file(FileSource& files, std::string_view name,
                                  std::span<std::byte> dest, std::size_t& size);

// `dtb_config` gives everything but ram and initrd, which come from `layout` and the
// loaded initrd. `scratch` holds the platform DTB while the guest DTB is built.
[[nodiscard]] LoadError load_linux(FileSource& files, GuestMemory& memory,
                                   const GuestRamLayout& layout, const LinuxImageConfig& names,
                                   GuestDtbConfig dtb_config, std::span<std::byte> scratch,
                                   LogSink& log, LinuxBoot& boot);

} // namespace vmm
