// Writing instance pages (see instance_page.hpp).
#include "lowering/instance_page.hpp"

#include <spec/instance_page.hpp>

#include <cstring>
#include <stdexcept>

namespace lowering {
namespace {

using adl::ast::AttributeDecl;
namespace page = spec::instance;

void describe(std::string& out, const AttributeDecl& a) {
    out += a.fields.empty() ? a.type : "struct{";
    for (const auto& f : a.fields) {
        describe(out, f);
        out += ";";
    }
    out += a.fields.empty() ? "" : "}";
    out += " " + a.name + (a.is_array ? "[]" : "");
}

// Appends records and bytes after the fixed part; offsets are from the page start.
class PageWriter {
public:
    explicit PageWriter(size_t fixed) : bytes_(fixed, 0) {}

    page::Span append(const void* data, size_t size, uint32_t count) {
        while (bytes_.size() % 8 != 0)
            bytes_.push_back(0);
        const auto offset = static_cast<uint32_t>(bytes_.size());
        const auto* p = static_cast<const uint8_t*>(data);
        bytes_.insert(bytes_.end(), p, p + size);
        return {offset, count};
    }
    template <class T> void put(size_t offset, const T& record) {
        std::memcpy(bytes_.data() + offset, &record, sizeof record);
    }
    // A value of declared type `decl` (or, for an array's items, its element type).
    page::Value value(const AttributeDecl& decl, const adl::Value* v, bool item = false) {
        page::Value out{};
        if (v == nullptr) return out;
        if (decl.is_array && !item) {
            std::vector<page::Value> items;
            for (const auto& i : v->items)
                items.push_back(value(decl, &i, true));
            out.span = append(items.data(), items.size() * sizeof(page::Value),
                              static_cast<uint32_t>(items.size()));
        } else if (!decl.fields.empty()) {
            std::vector<page::Value> fields;
            for (const auto& f : decl.fields)
                fields.push_back(value(f, v->field(f.name)));
            out.span = append(fields.data(), fields.size() * sizeof(page::Value),
                              static_cast<uint32_t>(fields.size()));
        } else if (v->kind == adl::Value::Kind::String) {
            out.span =
                append(v->string.data(), v->string.size(), static_cast<uint32_t>(v->string.size()));
        } else if (v->kind == adl::Value::Kind::Boolean) {
            out.word = v->boolean ? 1 : 0;
        } else if (v->kind == adl::Value::Kind::Integer) {
            out.word = static_cast<uint64_t>(v->integer);
        }
        return out;
    }
    std::vector<uint8_t> take() { return std::move(bytes_); }

private:
    std::vector<uint8_t> bytes_;
};

} // namespace

std::string definition_text(const adl::ast::Component& c) {
    static const char* const kKinds[] = {"provides", "uses", "emits", "consumes", "dataport"};
    std::string out = "component " + c.name + ";";
    for (const auto& i : c.interfaces)
        out += std::string(kKinds[static_cast<int>(i.kind)]) + " " + i.type + " " + i.name + ";";
    for (const AttributeDecl* a : page_attributes(c)) {
        out += "attribute ";
        describe(out, *a);
        out += ";";
    }
    return out;
}

uint64_t definition_hash(const adl::ast::Component& c) {
    const std::string text = definition_text(c);
    return page::type_hash(text.data(), text.size());
}

std::vector<const AttributeDecl*> page_attributes(const adl::ast::Component& c) {
    std::vector<const AttributeDecl*> out;
    for (const auto& a : c.attributes) {
        if (a.fields.empty() && a.type == "dtb") continue;
        out.push_back(&a);
    }
    return out;
}

std::vector<uint8_t> write_instance_page(const adl::model::Instance& instance,
                                         const InstanceObjects& objects,
                                         const std::vector<uint8_t>& type_blob,
                                         const adl::ast::Component* definition) {
    const adl::ast::Component& c = definition != nullptr ? *definition : *instance.component;
    const auto attributes = page_attributes(c);
    const size_t fixed = sizeof(page::Header) + c.interfaces.size() * sizeof(page::Interface) +
                         attributes.size() * sizeof(page::Value);
    PageWriter w(fixed);
    page::Header h{};
    std::memcpy(h.magic, page::kMagic, sizeof h.magic);
    h.version = page::kVersion;
    h.type_hash = definition_hash(c);
    if (instance.name.size() >= sizeof h.instance)
        throw std::runtime_error("instance name " + instance.name + " is too long for its page");
    std::memcpy(h.instance, instance.name.c_str(), instance.name.size());
    h.priority = objects.priority;
    h.notification_slot = objects.cap("notification").value_or(0);
    h.interface_count = static_cast<uint32_t>(c.interfaces.size());
    h.attribute_count = static_cast<uint32_t>(attributes.size());
    for (size_t i = 0; i < c.interfaces.size(); ++i) {
        page::Interface rec{};
        if (const InterfaceObjects* got = objects.interface(c.interfaces[i].name)) {
            rec.connected = 1;
            rec.slot = got->slot.value_or(0);
            rec.badge = got->badge;
            rec.wake_slot = got->wake_slot.value_or(0);
            std::vector<page::Buffer> buffers;
            for (const auto& b : got->buffers)
                buffers.push_back({b.at, b.size, b.peer_badge});
            rec.buffers = w.append(buffers.data(), buffers.size() * sizeof(page::Buffer),
                                   static_cast<uint32_t>(buffers.size()));
        }
        w.put(sizeof(page::Header) + i * sizeof(page::Interface), rec);
    }
    const size_t values = sizeof(page::Header) + c.interfaces.size() * sizeof(page::Interface);
    for (size_t i = 0; i < attributes.size(); ++i) {
        const adl::model::Attribute* a = instance.attribute(attributes[i]->name);
        w.put(values + i * sizeof(page::Value),
              w.value(*attributes[i], a != nullptr ? &a->value : nullptr));
    }
    h.type_blob =
        w.append(type_blob.data(), type_blob.size(), static_cast<uint32_t>(type_blob.size()));
    std::vector<uint8_t> bytes = w.take();
    h.size = static_cast<uint32_t>(bytes.size());
    std::memcpy(bytes.data(), &h, sizeof h);
    return bytes;
}

} // namespace lowering
