// Bounds-checked walk over a newc CPIO archive.
#include <cpio/newc_reader.hpp>

namespace cpio {
namespace {

constexpr std::size_t kFieldCount = 13;
constexpr std::size_t kModeField = 1;
constexpr std::size_t kFileSizeField = 6;
constexpr std::size_t kNameSizeField = 11;
constexpr std::string_view kTrailer = "TRAILER!!!";

constexpr std::size_t align4(std::size_t value) {
    return (value + 3) & ~std::size_t{3};
}

bool parse_hex8(std::span<const std::byte> field, uint32_t& out) {
    uint32_t value = 0;
    for (std::byte b : field) {
        const char c = static_cast<char>(b);
        uint32_t digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<uint32_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = static_cast<uint32_t>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            digit = static_cast<uint32_t>(c - 'A' + 10);
        } else {
            return false;
        }
        value = value << 4 | digit;
    }
    out = value;
    return true;
}

} // namespace

const char* to_string(Error error) {
    switch (error) {
    case Error::Ok:
        return "ok";
    case Error::End:
        return "end of archive";
    case Error::Truncated:
        return "truncated archive";
    case Error::BadMagic:
        return "bad cpio magic";
    case Error::BadNumber:
        return "bad cpio header number";
    case Error::BadName:
        return "bad cpio file name";
    }
    return "?";
}

Error NewcReader::next(Entry& out) {
    if (state_ != Error::Ok) return state_;
    auto fail = [this](Error e) { return state_ = e; };
    const std::size_t size = archive_.size();
    if (offset_ > size || size - offset_ < kHeaderSize) return fail(Error::Truncated);
    const std::span<const std::byte> header = archive_.subspan(offset_, kHeaderSize);
    const std::string_view magic(reinterpret_cast<const char*>(header.data()), 6);
    if (magic != "070701" && magic != "070702") return fail(Error::BadMagic);
    uint32_t fields[kFieldCount];
    for (std::size_t i = 0; i < kFieldCount; ++i) {
        if (!parse_hex8(header.subspan(6 + 8 * i, 8), fields[i])) return fail(Error::BadNumber);
    }
    const std::size_t name_size = fields[kNameSizeField];
    const std::size_t name_offset = offset_ + kHeaderSize;
    if (name_size < 2 || name_size > kMaxName + 1) return fail(Error::BadName);
    if (size - name_offset < name_size) return fail(Error::Truncated);
    const auto* name = reinterpret_cast<const char*>(archive_.data() + name_offset);
    const std::string_view name_text(name, name_size - 1);
    if (name[name_size - 1] != '\0' || name_text.find('\0') != std::string_view::npos) {
        return fail(Error::BadName);
    }
    const std::size_t data_offset = align4(name_offset + name_size);
    const std::size_t file_size = fields[kFileSizeField];
    if (data_offset > size || size - data_offset < file_size) return fail(Error::Truncated);
    if (name_text == kTrailer) return state_ = Error::End;
    out.name = name_text;
    out.data = archive_.subspan(data_offset, file_size);
    out.mode = fields[kModeField];
    offset_ = align4(data_offset + file_size); // may pass the end: the next call says so
    return Error::Ok;
}

Error find(std::span<const std::byte> archive, std::string_view name, Entry& out) {
    NewcReader reader(archive);
    Entry entry;
    for (;;) {
        const Error e = reader.next(entry);
        if (e != Error::Ok) return e;
        std::string_view n = entry.name;
        // (no substr/starts_with: they pull in libstdc++'s out_of_range thrower)
        if (n.size() >= 2 && n[0] == '.' && n[1] == '/') n.remove_prefix(2);
        if (n == name) {
            out = entry;
            return Error::Ok;
        }
    }
}

} // namespace cpio
