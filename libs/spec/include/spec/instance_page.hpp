// A component instance's page: what the tool's lowering gave the instance (capability
// slots, badges, buffers per interface; its attribute values; a type-specific blob such
// as the VM's configuration), written by the tool and mapped read-only into the
// instance's domain at kInstancePageAddr. The generated glue of the component type
// (bulkhead --component-glue) reads it through typed accessors. Shared by host and target.
#pragma once

#include <cstdint>

namespace spec::instance {

inline constexpr uint64_t kInstancePageAddr = 0x0e00'0000;
inline constexpr char kMagic[8] = {'B', 'H', 'D', 'I', 'N', 'S', 'T', '1'};
inline constexpr uint32_t kVersion = 2;

// Variable-length parts (strings, buffer lists, list values) live after the fixed records;
// offsets are from the start of the page.
struct Span {
    uint32_t offset;
    uint32_t count; // bytes for strings, records otherwise
};

struct Header {
    char magic[8];
    uint32_t version;
    uint32_t size;              // the whole page, bytes
    uint64_t type_hash;         // of the component definition the page was written for
    char instance[32];          // the instance's name, NUL-terminated
    uint32_t priority;          // of its thread
    uint32_t notification_slot; // its bound notification (receive), 0 if none
    uint32_t interface_count;   // Interface records follow the header
    uint32_t attribute_count;   // then Value records, one per declared attribute
    Span type_blob;             // bytes a component type's own lowerer added
};

// One per declared interface, in declaration order.
struct Interface {
    uint32_t slot;      // endpoint (uses: send, provides: receive) or notification (emits)
    uint32_t connected; // 0: no connection ends here
    // uses/emits: what the capability carries; consumes: the event bits; uses of a
    // connector whose server signals back (seL4SerialServer): the bit the server sets.
    uint64_t badge;
    Span buffers; // Buffer records
    // uses of a connector whose callers wake the server (seL4SerialServer): a send
    // capability to the server's bound notification with this caller's bit; 0 if none.
    uint32_t wake_slot;
    uint32_t reserved;
};

struct Buffer {
    uint64_t addr; // in the instance's address space
    uint64_t size;
    uint64_t peer_badge; // provides: the caller this buffer belongs to
};

// An attribute value: an integer (word), a string (span of bytes), or a list / struct
// (span of Value records: a struct's fields in declaration order).
struct Value {
    uint64_t word;
    Span span;
};

static_assert(sizeof(Header) == 80 && sizeof(Interface) == 32 && sizeof(Buffer) == 24 &&
              sizeof(Value) == 16);

// FNV-1a over a canonical text of the definition (the tool computes it; the glue embeds it).
constexpr uint64_t type_hash(const char* text, uint64_t length) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < length; ++i) {
        h ^= static_cast<unsigned char>(text[i]);
        h *= 0x100000001b3ull;
    }
    return h;
}

} // namespace spec::instance

namespace spec::instance {

// Bounds-checked reading of a page (the glue's accessors go through it). A page that is
// not valid() reads as empty: no interface connected, attributes zero or empty.
class PageView {
public:
    constexpr PageView() = default;
    PageView(const unsigned char* page, uint64_t type) : page_(page) {
        const auto* h = header();
        bool ok = h != nullptr && h->version == kVersion && h->type_hash == type &&
                  h->size >= sizeof(Header);
        for (int i = 0; ok && i < 8; ++i)
            ok = h->magic[i] == kMagic[i];
        ok = ok && fits({sizeof(Header), h->interface_count}, sizeof(Interface)) &&
             fits({static_cast<uint32_t>(sizeof(Header) + h->interface_count * sizeof(Interface)),
                   h->attribute_count},
                  sizeof(Value));
        if (!ok) page_ = nullptr;
    }

    [[nodiscard]] bool valid() const { return page_ != nullptr; }
    [[nodiscard]] const Header* header() const { return reinterpret_cast<const Header*>(page_); }
    [[nodiscard]] Interface interface(uint32_t i) const {
        if (!valid() || i >= header()->interface_count) return {};
        return at<Interface>(sizeof(Header) + i * sizeof(Interface));
    }
    [[nodiscard]] uint32_t buffer_count(const Interface& i) const {
        return fits(i.buffers, sizeof(Buffer)) ? i.buffers.count : 0;
    }
    [[nodiscard]] Buffer buffer(const Interface& i, uint32_t k) const {
        if (k >= buffer_count(i)) return {};
        return at<Buffer>(i.buffers.offset + k * sizeof(Buffer));
    }
    [[nodiscard]] Value attribute(uint32_t i) const {
        if (!valid() || i >= header()->attribute_count) return {};
        const uint64_t first = sizeof(Header) + header()->interface_count * sizeof(Interface);
        return at<Value>(first + i * sizeof(Value));
    }
    [[nodiscard]] uint32_t item_count(const Value& v) const {
        return fits(v.span, sizeof(Value)) ? v.span.count : 0;
    }
    [[nodiscard]] Value item(const Value& v, uint32_t k) const {
        if (k >= item_count(v)) return {};
        return at<Value>(v.span.offset + k * sizeof(Value));
    }
    // The bytes of a string value (or of the type blob).
    [[nodiscard]] const char* bytes(const Span& s, uint64_t& length) const {
        length = fits(s, 1) ? s.count : 0;
        return length == 0 ? "" : reinterpret_cast<const char*>(page_ + s.offset);
    }

private:
    [[nodiscard]] bool fits(const Span& s, uint64_t record) const {
        return page_ != nullptr && s.offset <= header()->size &&
               s.count <= (header()->size - s.offset) / record;
    }
    template <class T> [[nodiscard]] T at(uint64_t offset) const {
        T out{};
        auto* to = reinterpret_cast<unsigned char*>(&out);
        for (uint64_t i = 0; i < sizeof(T); ++i)
            to[i] = page_[offset + i];
        return out;
    }

    const unsigned char* page_ = nullptr;
};

} // namespace spec::instance
