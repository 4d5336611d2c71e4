// Loading Image, DTB and initrd from the FileServer into guest memory.
#include <vmm/linux_loader.hpp>

#include <cstring>

namespace vmm {
namespace {

// Opens `name`, hands each chunk to `sink(offset, bytes)`, closes. `limit` bounds the size.
template <class Sink>
LoadError stream_file(FileSource& files, std::string_view name, std::size_t limit,
                      std::size_t& size, Sink sink) {
    const int64_t fd = files.open(name);
    if (fd < 0) return LoadError::FileMissing;
    LoadError result = LoadError::Ok;
    size = 0;
    for (;;) {
        const int64_t n = files.read(fd, files.dataport().size());
        if (n < 0 || static_cast<uint64_t>(n) > files.dataport().size()) {
            result = LoadError::ReadFailed;
            break;
        }
        if (n == 0) break;
        if (static_cast<std::size_t>(n) > limit - size) {
            result = LoadError::TooLarge;
            break;
        }
        sink(size, files.dataport().first(static_cast<std::size_t>(n)));
        size += static_cast<std::size_t>(n);
    }
    (void)files.close(fd);
    return result;
}

LoadError log_error(LogSink& log, LoadError error, std::string_view what, std::string_view name,
                    const char* detail = nullptr) {
    LogLine line;
    line << "vmm: cannot load " << what << " '" << name << "': " << to_string(error);
    if (detail != nullptr) line << " (" << detail << ")";
    line.emit(log);
    return error;
}

} // namespace

const char* to_string(LoadError error) {
    switch (error) {
    case LoadError::Ok:
        return "ok";
    case LoadError::FileMissing:
        return "no such file on the FileServer";
    case LoadError::ReadFailed:
        return "read failed";
    case LoadError::TooLarge:
        return "does not fit";
    case LoadError::BadImage:
        return "not a usable arm64 Image";
    case LoadError::BadDtb:
        return "guest DTB could not be built";
    case LoadError::NotBacked:
        return "target range is not mapped guest memory";
    }
    return "?";
}

LoadError load_file(FileSource& files, std::string_view name, std::span<std::byte> dest,
                    std::size_t& size) {
    return stream_file(files, name, dest.size(), size,
                       [&](std::size_t at, std::span<const std::byte> chunk) {
                           std::memcpy(dest.data() + at, chunk.data(), chunk.size());
                       });
}

LoadError load_linux(FileSource& files, GuestMemory& memory, const GuestRamLayout& layout,
                     const LinuxImageConfig& names, GuestDtbConfig dtb_config,
                     std::span<std::byte> scratch, LogSink& log, LinuxBoot& boot) {
    boot = LinuxBoot{};
    std::size_t size = 0;

    // 1. The initrd, whose real size goes into /chosen.
    boot.initrd = {layout.initrd.base, 0};
    if (!names.initrd_name.empty()) {
        const std::span<std::byte> window = memory.window(layout.initrd);
        if (window.empty())
            return log_error(log, LoadError::NotBacked, "initrd", names.initrd_name);
        if (const LoadError e = load_file(files, names.initrd_name, window, size);
            e != LoadError::Ok) {
            return log_error(log, e, "initrd", names.initrd_name);
        }
        boot.initrd.size = size;
        dtb_config.initrd = boot.initrd;
    } else {
        dtb_config.initrd.reset();
    }

    // 2. The guest DTB, built from the platform DTB straight into guest memory.
    if (const LoadError e = load_file(files, names.dtb_name, scratch, size); e != LoadError::Ok) {
        return log_error(log, e, "DTB", names.dtb_name);
    }
    const std::span<std::byte> dtb_window = memory.window(layout.dtb);
    if (dtb_window.empty()) return log_error(log, LoadError::NotBacked, "DTB", names.dtb_name);
    dtb_config.ram = layout.ram;
    for (const KeptNode& k : dtb_config.keep) {
        if (dtb_has_node(scratch.first(size), k.path)) continue;
        LogLine line;
        line << "vmm: kept node '" << k.path << "' is not in '" << names.dtb_name << "'; skipped";
        line.emit(log);
    }
    if (const DtbError e =
            build_guest_dtb(scratch.first(size), dtb_config, dtb_window, boot.dtb_size);
        e != DtbError::Ok) {
        return log_error(log, LoadError::BadDtb, "DTB", names.dtb_name, to_string(e));
    }
    boot.dtb = layout.dtb.base;

    // 3. The Image: header first, to know where it goes.
    const int64_t fd = files.open(names.linux_name);
    if (fd < 0) return log_error(log, LoadError::FileMissing, "kernel", names.linux_name);
    const int64_t n = files.read(fd, Arm64ImageHeader::kSize);
    Arm64ImageHeader header;
    ImageError image_error = ImageError::TooSmall;
    if (n == static_cast<int64_t>(Arm64ImageHeader::kSize)) {
        image_error = parse_arm64_image(files.dataport().first(Arm64ImageHeader::kSize), header);
    }
    (void)files.close(fd);
    if (image_error != ImageError::Ok) {
        return log_error(log, LoadError::BadImage, "kernel", names.linux_name,
                         to_string(image_error));
    }
    const base::GuestPhysRange reserved[] = {
        {boot.dtb, boot.dtb_size}, boot.initrd, names.image_keep_clear};
    if (const ImageError e = place_arm64_image(header, layout.ram, reserved, boot.entry);
        e != ImageError::Ok) {
        return log_error(log, LoadError::BadImage, "kernel", names.linux_name, to_string(e));
    }
    const std::span<std::byte> image_window = memory.window({boot.entry, header.image_size});
    if (image_window.empty())
        return log_error(log, LoadError::NotBacked, "kernel", names.linux_name);
    if (const LoadError e = load_file(files, names.linux_name, image_window, size);
        e != LoadError::Ok) {
        return log_error(log, e, "kernel", names.linux_name);
    }
    boot.image_size = size;
    LogLine line;
    line << "vmm: loaded " << names.linux_name << " (" << Dec{static_cast<int64_t>(size)}
         << " bytes) at " << Hex{boot.entry.raw()} << ", DTB at " << Hex{boot.dtb.raw()} << " ("
         << Dec{static_cast<int64_t>(boot.dtb_size)} << " bytes), initrd at "
         << Hex{boot.initrd.base.raw()} << " (" << Dec{static_cast<int64_t>(boot.initrd.size)}
         << " bytes)";
    line.emit(log);
    return LoadError::Ok;
}

} // namespace vmm
