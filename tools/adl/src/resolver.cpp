// Semantic checks and resolution of an assembly (see resolver.hpp).
#include "adl/resolver.hpp"

#include "adl/builtin_attributes.hpp"
#include "adl/connector_registry.hpp"
#include "adl/device_tree.hpp"
#include "adl/diagnostic.hpp"
#include "adl/nearest_name.hpp"
#include "adl/number_format.hpp"
#include "adl/vm_layout.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace adl {

namespace {

using model::System;

template <class Names> std::string join(const Names& names) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ", ") + std::string(n);
    }
    return out.empty() ? "(none)" : out;
}

bool is_integer_type(const std::string& t) {
    static const std::set<std::string> ints = {
        "int",      "integer",  "unsigned int", "signed int", "unsigned", "bool",    "char",
        "long",     "int8_t",   "int16_t",      "int32_t",    "int64_t",  "uint8_t", "uint16_t",
        "uint32_t", "uint64_t", "size_t",       "uintptr_t",  "float",    "double"};
    return ints.count(t) != 0;
}

std::string describe_end(const ast::ConnectionEnd& e) {
    return std::string(e.is_from ? "from " : "to ") + e.instance + "." + e.interface;
}

class Resolver {
public:
    Resolver(const ast::File& file, const ResolveOptions& options)
        : file_(file), options_(options) {
        system_.platform = options.platform;
        system_.definitions = &file;
    }

    System run() {
        definitions();
        instances();
        connections();
        settings();
        defaults_and_unconnected();
        vm_layouts();
        hardware_regions();
        hardware_irqs();
        devices();
        ownership();
        badges();
        return std::move(system_);
    }

private:
    template <class T>
    void index(const std::vector<T>& items, const char* what,
               std::map<std::string, const T*>& table) {
        for (const auto& item : items) {
            auto [it, fresh] = table.emplace(item.name, &item);
            if (!fresh) {
                throw Error(item.where, std::string(what) + " " + quote(item.name) +
                                            " is defined twice (first at " +
                                            it->second->where.str() + "); expected one definition");
            }
        }
    }

    // The fields of a struct attribute: written inline (`attribute { ... } x;`) or named
    // (`attribute T x;` with a top-level `struct T { ... };`). Empty for a scalar.
    const std::vector<ast::AttributeDecl>& fields_of(const ast::AttributeDecl& decl) const {
        if (!decl.fields.empty()) {
            return decl.fields;
        }
        auto s = structs_.find(decl.type);
        return s == structs_.end() ? decl.fields : s->second->fields;
    }

    // A declared attribute's type is a scalar CAmkES knows or a declared struct.
    void check_attribute_type(const ast::AttributeDecl& a, const std::string& owner) const {
        for (const auto& f : a.fields) {
            check_attribute_type(f, owner);
        }
        if (a.type.empty() || a.type == "string" || is_integer_type(a.type) ||
            structs_.count(a.type) != 0) {
            return;
        }
        std::vector<std::string_view> known = {"int", "string", "bool", "uint64_t"};
        for (const auto& [name, decl] : structs_) {
            known.emplace_back(name);
        }
        const std::string near = nearest_name(a.type, known);
        throw Error(a.where, "attribute " + quote(a.name) + " of " + owner + " has unknown type " +
                                 quote(a.type) + "; " +
                                 (near.empty() ? "" : "did you mean " + quote(near) + "? ") +
                                 "expected int, string (or another C scalar) or a struct "
                                 "declared with 'struct " +
                                 a.type + " { ... };'");
    }

    void definitions() {
        index(file_.structs, "struct", structs_);
        for (const auto& st : file_.structs) {
            check_attribute_type(st, "struct " + quote(st.name));
        }
        for (const auto& st : file_.own_structs) {
            structs_.emplace(st.name, &st); // the app's own struct of that name comes first
        }
        index(file_.components, "component", components_);
        for (const auto& c : file_.own_components) {
            own_.emplace(c.name, &c);
        }
        index(file_.procedures, "procedure", procedures_);
        index(file_.connectors, "connector", connectors_);
        for (const auto& c : file_.components) {
            std::map<std::string, SourceLocation> names;
            auto claim = [&](const std::string& name, const SourceLocation& where) {
                auto [it, fresh] = names.emplace(name, where);
                if (!fresh) {
                    throw Error(where, "name " + quote(name) + " is declared twice in component " +
                                           quote(c.name) + " (first at " + it->second.str() +
                                           "); expected unique interface and attribute names");
                }
            };
            for (const auto& i : c.interfaces) {
                claim(i.name, i.where);
                if ((i.kind == ast::InterfaceKind::Uses ||
                     i.kind == ast::InterfaceKind::Provides) &&
                    !procedures_.count(i.type)) {
                    throw Error(i.where, "interface " + quote(i.name) + " of component " +
                                             quote(c.name) + " has unknown procedure type " +
                                             quote(i.type) +
                                             "; expected one of: " + join(keys(procedures_)));
                }
            }
            for (const auto& a : c.attributes) {
                claim(a.name, a.where);
                check_attribute_type(a, "component " + quote(c.name));
            }
            for (const auto& s : c.sync) {
                claim(s.name, s.where);
            }
        }
    }

    template <class Map> static std::vector<std::string> keys(const Map& m) {
        std::vector<std::string> out;
        out.reserve(m.size());
        for (const auto& [k, v] : m) {
            out.push_back(k);
        }
        return out;
    }

    void instances() {
        for (const auto& assembly : file_.assemblies) {
            for (const auto& inst : assembly.instances) {
                auto c = components_.find(inst.type);
                if (c == components_.end()) {
                    throw Error(inst.where, "instance " + quote(inst.name) +
                                                " has unknown component type " + quote(inst.type) +
                                                "; expected one of: " + join(keys(components_)));
                }
                if (const auto* other = system_.instance(inst.name)) {
                    throw Error(inst.where,
                                "instance " + quote(inst.name) + " is declared twice (first at " +
                                    other->where.str() + "); expected unique instance names");
                }
                model::Instance i;
                i.name = inst.name;
                i.component = own_definition(*c->second);
                i.where = inst.where;
                system_.instances.push_back(std::move(i));
                if (c->second->body) {
                    expand(inst.name, *c->second);
                }
            }
        }
    }

    // The definition an instance of 'declared' is bound to: the type's own definition when
    // the app declared the type itself and every interface and attribute it declared is
    // the type's own (same kind and type); the type then knows its other attributes too,
    // and the instance page is written for the definition its program was built from.
    // A declaration with something the type lacks is the app's own variant: used as is.
    const ast::Component* own_definition(const ast::Component& declared) {
        auto own = own_.find(declared.name);
        if (own == own_.end()) {
            return &declared;
        }
        const ast::Component& o = *own->second;
        const bool interfaces_fit =
            std::all_of(declared.interfaces.begin(), declared.interfaces.end(), [&](const auto& i) {
                const ast::Interface* mine = find_interface(o, i.name);
                return mine != nullptr && mine->kind == i.kind && mine->type == i.type;
            });
        const bool attributes_fit =
            std::all_of(declared.attributes.begin(), declared.attributes.end(), [&](const auto& a) {
                return std::any_of(o.attributes.begin(), o.attributes.end(), [&](const auto& m) {
                    return m.name == a.name && m.type == a.type && m.is_array == a.is_array;
                });
            });
        if (!interfaces_fit || !attributes_fit || o.control != declared.control ||
            o.hardware != declared.hardware) {
            return &declared;
        }
        if (checked_own_.insert(o.name).second) {
            for (const auto& a : o.attributes) {
                check_attribute_type(a, "component " + quote(o.name));
            }
        }
        return &o;
    }

    // The assembly's blocks and the compound components' bodies made for their instances.
    std::vector<std::reference_wrapper<const ast::Assembly>> assemblies() const {
        std::vector<std::reference_wrapper<const ast::Assembly>> all(file_.assemblies.begin(),
                                                                     file_.assemblies.end());
        all.emplace_back(expanded_);
        return all;
    }

    // A compound component's body for its instance `name`: each connection between its
    // own interfaces becomes `name.<connection>` with those ends on `name`; `<iface>.dtb`
    // becomes the instance's dtb() query of that interface (a seL4DTBHardware end) and
    // `<iface>.generate_interrupts` says whether the device's interrupts come with it.
    void expand(const std::string& name, const ast::Component& c) {
        const ast::Assembly& body = *c.body;
        if (!body.instances.empty()) {
            throw Error(body.instances.front().where,
                        "component " + quote(c.name) + " composes instance " +
                            quote(body.instances.front().name) +
                            "; expected a composition connecting the component's own "
                            "interfaces (instances inside a component are not supported)");
        }
        for (ast::Connection conn : body.connections) {
            for (auto& e : conn.ends) {
                if (!e.instance.empty()) {
                    throw Error(e.where, "end " + quote(e.instance + "." + e.interface) +
                                             " in component " + quote(c.name) +
                                             " names an instance; expected an interface of " +
                                             quote(c.name) + " itself");
                }
                e.instance = name;
            }
            conn.name = name + "." + conn.name;
            expanded_.connections.push_back(std::move(conn));
        }
        for (ast::Setting s : body.settings) {
            const std::string iface = s.instance;
            if (s.attribute == "generate_interrupts") {
                if (s.value.kind != Value::Kind::Integer && s.value.kind != Value::Kind::Boolean) {
                    throw Error(s.value.where, quote(iface + ".generate_interrupts") +
                                                   " in component " + quote(c.name) + " is " +
                                                   quote(s.value.to_adl()) +
                                                   "; expected 0 or 1 (true or false)");
                }
                const bool on =
                    s.value.kind == Value::Kind::Boolean ? s.value.boolean : s.value.integer != 0;
                std::string key = name;
                key += "." + iface;
                device_interrupts_[key] = on;
                continue;
            }
            if (s.attribute != "dtb") {
                throw Error(s.where, "setting " + quote(iface + "." + s.attribute) +
                                         " in the configuration of component " + quote(c.name) +
                                         "; expected <interface>.dtb = dtb({...}) or "
                                         "<interface>.generate_interrupts of a seL4DTBHardware "
                                         "end");
            }
            s.instance = name;
            s.attribute = iface;
            expanded_.settings.push_back(std::move(s));
        }
    }

    model::Instance& instance_for(const std::string& name, const SourceLocation& where,
                                  const std::string& context) {
        for (auto& i : system_.instances) {
            if (i.name == name) {
                return i;
            }
        }
        std::vector<std::string> names;
        for (const auto& i : system_.instances) {
            names.push_back(i.name);
        }
        throw Error(where, "unknown instance " + quote(name) + " in " + context +
                               "; expected one of: " + join(names));
    }

    static const ast::Interface* find_interface(const ast::Component& c, const std::string& name) {
        for (const auto& i : c.interfaces) {
            if (i.name == name) {
                return &i;
            }
        }
        return nullptr;
    }

    const ConnectorImplementation& connector_for(const ast::Connection& c) {
        const auto* impl = ConnectorRegistry::find(c.connector);
        auto declared = connectors_.find(c.connector);
        if (declared == connectors_.end()) {
            if (impl) {
                throw Error(
                    c.where,
                    "connector " + quote(c.connector) + " of connection " + quote(c.name) +
                        " is not declared; expected an import of the file declaring it "
                        "(std_connector.camkes, global-connectors.camkes or vm-connectors.camkes)");
            }
            throw Error(c.where, "unknown connector " + quote(c.connector) + " in connection " +
                                     quote(c.name) +
                                     "; expected one of: " + join(ConnectorRegistry::names()));
        }
        if (!impl) {
            throw Error(c.where, "connector " + quote(c.connector) + " is declared (at " +
                                     declared->second->where.str() +
                                     ") but Bulkhead does not implement it; expected one of: " +
                                     join(ConnectorRegistry::names()));
        }
        return *impl;
    }

    void connections() {
        std::map<std::string, SourceLocation> names;
        std::map<std::string, std::string> exclusive; // "inst.iface" -> connection holding it
        for (const ast::Assembly& assembly : assemblies()) {
            for (const auto& c : assembly.connections) {
                auto [it, fresh] = names.emplace(c.name, c.where);
                if (!fresh) {
                    throw Error(c.where, "connection " + quote(c.name) +
                                             " is declared twice (first at " + it->second.str() +
                                             "); expected unique connection names");
                }
                const auto& impl = connector_for(c);
                const auto& decl = *connectors_.at(c.connector);
                model::Connection m;
                m.name = c.name;
                m.connector = c.connector;
                m.kind = impl.kind;
                m.shared_bytes = impl.shared_buffer ? impl.default_buffer : 0;
                m.where = c.where;
                const ast::ConnectionEnd* first_typed = nullptr;
                const ast::ConnectionEnd* first_sized = nullptr; // `dataport Buf(n)` end
                for (const auto& e : c.ends) {
                    auto& inst = instance_for(e.instance, e.where, "connection " + quote(c.name));
                    const auto* iface = find_interface(*inst.component, e.interface);
                    if (!iface) {
                        std::vector<std::string> ifaces;
                        for (const auto& i : inst.component->interfaces) {
                            ifaces.push_back(i.name);
                        }
                        throw Error(e.where, "component " + quote(inst.component->name) +
                                                 " (instance " + quote(inst.name) +
                                                 ") has no interface " + quote(e.interface) +
                                                 "; expected one of: " + join(ifaces));
                    }
                    const auto& side = e.is_from ? *decl.from : *decl.to;
                    ast::InterfaceKind want{};
                    switch (side.kind) {
                    case ast::EndKind::Procedure:
                        want = e.is_from ? ast::InterfaceKind::Uses : ast::InterfaceKind::Provides;
                        break;
                    case ast::EndKind::Event:
                        want = e.is_from ? ast::InterfaceKind::Emits : ast::InterfaceKind::Consumes;
                        break;
                    case ast::EndKind::Dataport:
                        want = ast::InterfaceKind::Dataport;
                        break;
                    }
                    if (iface->kind != want) {
                        throw Error(e.where, "end " + quote(describe_end(e)) + " of connection " +
                                                 quote(c.name) + " is a '" +
                                                 ast::to_string(iface->kind) +
                                                 "' interface; connector " + quote(c.connector) +
                                                 " expects a '" + ast::to_string(want) + "' " +
                                                 ast::to_string(side.kind) + " on its '" +
                                                 (e.is_from ? "from" : "to") + "' side");
                    }
                    if (impl.ends_share_type) {
                        if (first_typed) {
                            const auto* first_iface = find_interface(
                                *instance_for(first_typed->instance, e.where, "").component,
                                first_typed->interface);
                            if (first_iface->type != iface->type) {
                                throw Error(e.where,
                                            "end " + quote(describe_end(e)) + " has type " +
                                                quote(iface->type) + " but " +
                                                quote(describe_end(*first_typed)) + " has " +
                                                quote(first_iface->type) +
                                                "; expected the same type on every end of " +
                                                quote(c.name));
                            }
                        } else {
                            first_typed = &e;
                            m.type = iface->type;
                        }
                    }
                    // A hardware component's registers may be mapped through several
                    // connections (upstream's odroid_vm gives its clock controller to a
                    // driver and to the VM this way): they share one device region.
                    const bool shared_registers =
                        m.kind == model::ConnectionKind::DeviceMemory && !e.is_from;
                    if (!shared_registers && (iface->kind == ast::InterfaceKind::Uses ||
                                              iface->kind == ast::InterfaceKind::Dataport)) {
                        std::string key = e.instance + "." + e.interface;
                        auto [held, free] = exclusive.emplace(key, c.name);
                        if (!free) {
                            throw Error(e.where, "interface " + quote(key) +
                                                     " is already connected by " +
                                                     quote(held->second) + "; expected each '" +
                                                     ast::to_string(iface->kind) +
                                                     "' interface in one connection");
                        }
                    }
                    if (iface->size != 0 && m.shared_bytes != 0) {
                        if (first_sized != nullptr && iface->size != m.shared_bytes) {
                            throw Error(e.where,
                                        "end " + quote(describe_end(e)) + " is a " +
                                            std::to_string(iface->size) + "-byte dataport but " +
                                            quote(describe_end(*first_sized)) + " is " +
                                            std::to_string(m.shared_bytes) +
                                            " bytes; expected one size for " + quote(c.name));
                        }
                        m.shared_bytes = iface->size;
                        first_sized = &e;
                    }
                    connected_.insert(e.instance + "." + e.interface);
                    (e.is_from ? m.from : m.to).push_back({e.instance, e.interface, iface});
                }
                for (bool from : {true, false}) {
                    const auto& ends = from ? m.from : m.to;
                    const auto& side = from ? *decl.from : *decl.to;
                    const char* name = from ? "from" : "to";
                    if (ends.empty()) {
                        throw Error(c.where, "connection " + quote(c.name) + " has no '" + name +
                                                 "' end; connector " + quote(c.connector) +
                                                 " expects at least one");
                    }
                    if (!side.plural && ends.size() > 1) {
                        throw Error(c.where, "connection " + quote(c.name) + " has " +
                                                 std::to_string(ends.size()) + " '" + name +
                                                 "' ends; connector " + quote(c.connector) +
                                                 " takes exactly one (" +
                                                 ast::to_string(side.kind) + ")");
                    }
                }
                system_.connections.push_back(std::move(m));
            }
        }
    }

    model::Connection* buffer_connection_of(const std::string& instance, const std::string& iface) {
        for (auto& c : system_.connections) {
            for (const auto* ends : {&c.from, &c.to}) {
                for (const auto& e : *ends) {
                    if (e.instance == instance && e.interface == iface && c.shared_bytes != 0) {
                        return &c;
                    }
                }
            }
        }
        return nullptr;
    }

    void check_value(const ast::AttributeDecl& decl, const Value& v, const std::string& path,
                     bool element = false) {
        if (decl.is_array && !element) {
            if (v.kind != Value::Kind::List) {
                throw Error(v.where, quote(path) +
                                         " is an array attribute; expected a list [...], found " +
                                         Value::kind_name(v.kind) + " " + quote(v.to_adl()));
            }
            for (size_t i = 0; i < v.items.size(); ++i) {
                check_value(decl, v.items[i], path + "[" + std::to_string(i) + "]", true);
            }
            return;
        }
        if (!fields_of(decl).empty()) {
            if (v.kind != Value::Kind::Dict) {
                throw Error(v.where,
                            quote(path) +
                                " has fields; expected a dict {\"field\": value, ...}, found " +
                                Value::kind_name(v.kind) + " " + quote(v.to_adl()));
            }
            for (size_t i = 0; i < v.keys.size(); ++i) {
                const ast::AttributeDecl* field = nullptr;
                for (const auto& f : fields_of(decl)) {
                    if (f.name == v.keys[i]) {
                        field = &f;
                    }
                }
                if (!field) {
                    std::vector<std::string> names;
                    for (const auto& f : fields_of(decl)) {
                        names.push_back(f.name);
                    }
                    throw Error(v.items[i].where, "unknown field " + quote(v.keys[i]) + " in " +
                                                      quote(path) +
                                                      "; expected one of: " + join(names));
                }
                check_value(*field, v.items[i], path + "." + v.keys[i]);
            }
            return;
        }
        bool ok = true;
        const char* expected = "";
        if (decl.type == "string") {
            ok = v.kind == Value::Kind::String;
            expected = "a string";
        } else if (is_integer_type(decl.type)) {
            ok = v.kind == Value::Kind::Integer || v.kind == Value::Kind::Boolean;
            expected = "an integer";
        }
        if (!ok) {
            throw Error(v.where, quote(path) + " is declared '" + decl.type + "'; expected " +
                                     expected + ", found " + Value::kind_name(v.kind) + " " +
                                     quote(v.to_adl()));
        }
    }

    // Struct attributes get their unset fields' defaults; a field without one must be set.
    void apply_field_defaults(const ast::AttributeDecl& decl, Value& v, const std::string& path) {
        if (fields_of(decl).empty() || decl.is_array || v.kind != Value::Kind::Dict) {
            return;
        }
        for (const auto& f : fields_of(decl)) {
            if (v.field(f.name)) {
                continue;
            }
            if (!f.default_value) {
                throw Error(v.where, "field " + quote(f.name) + " of " + quote(path) +
                                         " is not set and has no default; expected a value for it");
            }
            v.keys.push_back(f.name);
            v.items.push_back(*f.default_value);
        }
    }

    void set(model::Instance& inst, const std::string& name, const Value& value,
             const ast::AttributeDecl* decl) {
        for (auto& a : inst.attributes) {
            if (a.name == name) { // a later setting overrides an earlier one, as in CAmkES
                a.value = value;
                return;
            }
        }
        inst.attributes.push_back({name, value, decl, false});
    }

    void settings() {
        for (const ast::Assembly& assembly : assemblies()) {
            for (const auto& s : assembly.settings) {
                if (system_.instance(s.instance) == nullptr && connection_setting(s)) {
                    continue;
                }
                auto& inst = instance_for(s.instance, s.where,
                                          "setting " + quote(s.instance + "." + s.attribute));
                std::string path = s.instance + "." + s.attribute;
                const ast::AttributeDecl* decl = nullptr;
                for (const auto& a : inst.component->attributes) {
                    if (a.name == s.attribute) {
                        decl = &a;
                    }
                }
                if (decl) {
                    check_value(*decl, s.value, path);
                    Value v = s.value;
                    apply_field_defaults(*decl, v, path);
                    set(inst, s.attribute, v, decl);
                    continue;
                }
                if (s.value.kind == Value::Kind::DtbQuery ||
                    find_interface(*inst.component, s.attribute)) {
                    const auto* iface = find_interface(*inst.component, s.attribute);
                    if (!iface) {
                        throw Error(s.where, "dtb() query set on " + quote(path) +
                                                 ", which is not an interface of " +
                                                 quote(inst.component->name) +
                                                 "; expected the VM's 'dtb' interface");
                    }
                    if (s.value.kind != Value::Kind::DtbQuery) {
                        throw Error(s.value.where, quote(path) + " configures interface " +
                                                       quote(s.attribute) +
                                                       "; expected a dtb([...]) query, found " +
                                                       quote(s.value.to_adl()));
                    }
                    set(inst, s.attribute, s.value, nullptr);
                    continue;
                }
                if (hardware_setting(inst, s)) {
                    continue;
                }
                if (interface_setting(inst, s)) {
                    continue;
                }
                if (auto builtin = find_builtin_attribute(s.attribute)) {
                    if (builtin->effect == BuiltinEffect::NoEffect) {
                        system_.no_effect.push_back(
                            {inst.name, s.attribute, s.value, std::string(builtin->reason)});
                        continue;
                    }
                    if (builtin->effect == BuiltinEffect::Stored) {
                        set(inst, s.attribute, s.value, nullptr);
                        continue;
                    }
                    if (s.value.kind != Value::Kind::Integer &&
                        s.value.kind != Value::Kind::Boolean) {
                        throw Error(s.value.where, quote(path) + " expects an integer, found " +
                                                       quote(s.value.to_adl()));
                    }
                    int64_t n = s.value.integer;
                    if (builtin->effect == BuiltinEffect::Priority) {
                        if (n < 0 || n > 255) {
                            throw Error(s.value.where, quote(path) + " is " + std::to_string(n) +
                                                           "; expected a priority from 0 to 255");
                        }
                        inst.priority = n;
                    } else if (builtin->effect == BuiltinEffect::HeapSize) {
                        if (n < 0) {
                            throw Error(s.value.where,
                                        quote(path) + " is negative; expected a size in bytes");
                        }
                        inst.heap_size = static_cast<uint64_t>(n);
                    } else if (builtin->effect == BuiltinEffect::Affinity) {
                        if (n < 0) {
                            throw Error(s.value.where, quote(path) + " is " + std::to_string(n) +
                                                           "; expected a CPU number from 0");
                        }
                        inst.affinity = n; // checked against the board by the lowering
                    }
                    set(inst, s.attribute, s.value, nullptr);
                    continue;
                }
                throw unknown_attribute(inst, s);
            }
        }
    }

    // Settings derived from an interface's name: <iface>_shmem_size and, for a dataport,
    // <dataport>_size (its connection's buffer), <iface>_id and <dataport>_hardware_cached
    // (accepted, no effect).
    bool interface_setting(model::Instance& inst, const ast::Setting& s) {
        const std::string path = s.instance + "." + s.attribute;
        const auto split = [&](std::string_view suffix) -> const ast::Interface* {
            const std::string& a = s.attribute;
            if (a.size() <= suffix.size() ||
                a.compare(a.size() - suffix.size(), suffix.size(), suffix) != 0) {
                return nullptr;
            }
            return find_interface(*inst.component, a.substr(0, a.size() - suffix.size()));
        };
        const ast::Interface* iface = split("_shmem_size");
        if (iface == nullptr) {
            iface = split("_size");
            if (iface != nullptr && iface->kind != ast::InterfaceKind::Dataport) {
                iface = nullptr;
            }
        }
        if (iface != nullptr) {
            if (s.value.kind != Value::Kind::Integer || s.value.integer <= 0 ||
                s.value.integer % 4096 != 0) {
                throw Error(s.value.where, quote(path) + " is " + quote(s.value.to_adl()) +
                                               "; expected a positive multiple of 4096 bytes");
            }
            if (auto* c = buffer_connection_of(inst.name, iface->name)) {
                c->shared_bytes = static_cast<uint64_t>(s.value.integer);
            } else {
                system_.no_effect.push_back(
                    {inst.name, s.attribute, s.value,
                     "interface '" + iface->name + "' has no connection with a shared buffer"});
            }
            set(inst, s.attribute, s.value, nullptr);
            return true;
        }
        if (split("_id") != nullptr) {
            // A VM's vswitch_layout names its virtqueues by these numbers (the VM's lowerer
            // reads them); anywhere else they have no effect.
            const auto& attrs = inst.component->attributes;
            if (std::any_of(attrs.begin(), attrs.end(),
                            [](const auto& a) { return a.name == "vswitch_layout"; })) {
                set(inst, s.attribute, s.value, nullptr);
                return true;
            }
            system_.no_effect.push_back(
                {inst.name, s.attribute, s.value,
                 "upstream's VMM numbered virtqueues and cross-VM dataports for the guest with it; "
                 "the tool numbers connections itself"});
            return true;
        }
        if (const auto* d = split("_hardware_cached");
            d != nullptr && d->kind == ast::InterfaceKind::Dataport) {
            system_.no_effect.push_back(
                {inst.name, s.attribute, s.value,
                 "shared buffers are normal write-back memory in every domain that maps them"});
            return true;
        }
        return false;
    }

    // `conn.size = n` (the buffer of a shared-memory connection) and `conn.paddr = a` (that
    // buffer is the physical memory at a, e.g. a VM's RAM shared for introspection).
    bool connection_setting(const ast::Setting& s) {
        model::Connection* c = nullptr;
        for (auto& m : system_.connections) {
            if (m.name == s.instance) {
                c = &m;
            }
        }
        if (c == nullptr) {
            return false;
        }
        const std::string path = s.instance + "." + s.attribute;
        if (s.attribute != "size" && s.attribute != "paddr") {
            const std::string near = nearest_name(s.attribute, {"size", "paddr"});
            throw Error(s.where, "unknown attribute " + quote(s.attribute) + " of connection " +
                                     quote(c->name) + "; " +
                                     (near.empty() ? "" : "did you mean " + quote(near) + "? ") +
                                     "expected size or paddr (of a shared-memory connection)");
        }
        if (c->kind != model::ConnectionKind::SharedMemory) {
            throw Error(s.where, quote(path) + " is set on connection " + quote(c->name) + " (" +
                                     c->connector +
                                     "); expected a shared-memory connection (seL4SharedData, "
                                     "seL4SharedDataWithCaps)");
        }
        if (s.value.kind != Value::Kind::Integer || s.value.integer <= 0 ||
            s.value.integer % 4096 != 0) {
            throw Error(s.value.where, quote(path) + " is " + quote(s.value.to_adl()) +
                                           "; expected a positive multiple of 4096");
        }
        const auto n = static_cast<uint64_t>(s.value.integer);
        if (s.attribute == "size") {
            c->shared_bytes = n;
        } else {
            c->paddr = n;
            c->paddr_where = s.value.where;
        }
        return true;
    }

    // Neither declared nor known: the message lists what is declared and names the
    // nearest known name when the setting looks like a typo of one.
    static Error unknown_attribute(const model::Instance& inst, const ast::Setting& s) {
        std::vector<std::string> declared;
        std::vector<std::string> derived;
        for (const auto& a : inst.component->attributes) {
            declared.push_back(a.name);
        }
        for (const auto& i : inst.component->interfaces) {
            derived.push_back(i.name + "_shmem_size");
        }
        std::vector<std::string_view> candidates = builtin_attribute_names();
        candidates.insert(candidates.end(), declared.begin(), declared.end());
        candidates.insert(candidates.end(), derived.begin(), derived.end());
        const std::string near = nearest_name(s.attribute, candidates);
        return {s.where, "unknown attribute " + quote(s.attribute) + " of instance " +
                             quote(inst.name) + " (component " + quote(inst.component->name) +
                             "); " + (near.empty() ? "" : "did you mean " + quote(near) + "? ") +
                             "expected a declared attribute (" + join(declared) +
                             "), <interface>_shmem_size or a CAmkES built-in"};
    }

    // <dataport>_paddr and <dataport>_size, <event>_irq_number and <event>_irq_trigger
    // ("level" or "edge") of a `hardware` component.
    bool hardware_setting(model::Instance& inst, const ast::Setting& s) {
        if (!inst.component->hardware) {
            return false;
        }
        for (std::string_view sfx : {"_irq_number", "_irq_trigger"}) {
            std::string_view name = s.attribute;
            if (name.size() <= sfx.size() || name.substr(name.size() - sfx.size()) != sfx) {
                continue;
            }
            const auto* iface = find_interface(
                *inst.component, std::string(name.substr(0, name.size() - sfx.size())));
            if (!iface || iface->kind != ast::InterfaceKind::Emits) {
                return false;
            }
            const bool number = sfx == "_irq_number";
            if (number && (s.value.kind != Value::Kind::Integer || s.value.integer < 16 ||
                           s.value.integer > 1019)) {
                throw Error(s.value.where, quote(s.instance + "." + s.attribute) + " is " +
                                               quote(s.value.to_adl()) +
                                               "; expected a GIC interrupt ID from 16 to 1019");
            }
            if (!number && (s.value.kind != Value::Kind::String ||
                            (s.value.string != "level" && s.value.string != "edge"))) {
                throw Error(s.value.where, quote(s.instance + "." + s.attribute) + " is " +
                                               quote(s.value.to_adl()) +
                                               "; expected \"level\" or \"edge\"");
            }
            set(inst, s.attribute, s.value, nullptr);
            return true;
        }
        for (std::string_view sfx : {"_paddr", "_size"}) {
            std::string_view name = s.attribute;
            if (name.size() <= sfx.size() || name.substr(name.size() - sfx.size()) != sfx) {
                continue;
            }
            const auto* iface = find_interface(
                *inst.component, std::string(name.substr(0, name.size() - sfx.size())));
            if (!iface || iface->kind != ast::InterfaceKind::Dataport) {
                return false;
            }
            if (s.value.kind != Value::Kind::Integer || s.value.integer <= 0 ||
                s.value.integer % 4096 != 0) {
                throw Error(s.value.where,
                            quote(s.instance + "." + s.attribute) + " is " +
                                (s.value.kind == Value::Kind::Integer
                                     ? hex(static_cast<uint64_t>(s.value.integer))
                                     : quote(s.value.to_adl())) +
                                "; expected a positive multiple of 4096 (device memory is "
                                "mapped in pages)");
            }
            set(inst, s.attribute, s.value, nullptr);
            return true;
        }
        return false;
    }

    // seL4HardwareInterrupt: the hardware component's interrupt, delivered to the
    // consuming instance's bound notification as the bit of its `consumes` end.
    void hardware_irqs() {
        for (auto& c : system_.connections) {
            if (c.kind != model::ConnectionKind::DeviceInterrupt) {
                continue;
            }
            const auto& from = c.from.front();
            const auto* hw = system_.instance(from.instance);
            const auto* number = hw->attribute(from.interface + "_irq_number");
            if (!hw->component->hardware || !number) {
                throw Error(c.where, "connection " + quote(c.name) + " delivers the interrupt of " +
                                         quote(from.instance + "." + from.interface) +
                                         "; expected a 'hardware' component with " + from.instance +
                                         "." + from.interface + "_irq_number set");
            }
            const auto* trigger = hw->attribute(from.interface + "_irq_trigger");
            const bool level = trigger == nullptr || trigger->value.string == "level";
            for (const auto& to : c.to) {
                model::Irq q{
                    to.instance, static_cast<uint32_t>(number->value.integer), level,
                    0,           from.instance + "." + from.interface,         number->value.where};
                q.interface = to.interface;
                system_.irqs.push_back(q);
            }
        }
    }

    // seL4HardwareMMIO: one device region per hardware dataport, owned by the first
    // connection naming it, mapped by the from-ends of every connection naming it.
    void hardware_regions() {
        std::set<std::string> placed; // "instance.dataport"
        for (auto& c : system_.connections) {
            if (c.kind != model::ConnectionKind::DeviceMemory) {
                continue;
            }
            const auto& to = c.to.front();
            const auto* inst = system_.instance(to.instance);
            const auto* paddr = inst->attribute(to.interface + "_paddr");
            const auto* size = inst->attribute(to.interface + "_size");
            if (!inst->component->hardware || !paddr || !size) {
                throw Error(c.where, "connection " + quote(c.name) + " maps device memory of " +
                                         quote(to.instance + "." + to.interface) +
                                         "; expected a 'hardware' component with " + to.instance +
                                         "." + to.interface + "_paddr and _size set");
            }
            c.shared_bytes = static_cast<uint64_t>(size->value.integer);
            if (!placed.insert(to.instance + "." + to.interface).second) {
                continue;
            }
            model::MemoryRegion r;
            r.owner = c.name;
            r.kind = model::RegionKind::Device;
            r.phys = {base::PhysAddr(static_cast<uint64_t>(paddr->value.integer)), c.shared_bytes};
            r.guest = {base::GuestPhysAddr(r.phys.base.raw()), r.phys.size};
            r.source = to.instance + "." + to.interface;
            r.where = paddr->value.where;
            system_.regions.push_back(r);
        }
    }

    void defaults_and_unconnected() {
        for (auto& inst : system_.instances) {
            for (const auto& decl : inst.component->attributes) {
                if (inst.attribute(decl.name)) {
                    continue;
                }
                Value v;
                if (decl.default_value) {
                    v = *decl.default_value;
                } else if (!fields_of(decl).empty() && !decl.is_array &&
                           std::all_of(fields_of(decl).begin(), fields_of(decl).end(),
                                       [](const auto& f) { return f.default_value.has_value(); })) {
                    v.kind = Value::Kind::Dict; // a struct whose every field has a default
                    v.where = decl.where;
                } else {
                    continue;
                }
                apply_field_defaults(decl, v, inst.name + "." + decl.name);
                inst.attributes.push_back({decl.name, v, &decl, true});
            }
            for (const auto& i : inst.component->interfaces) {
                if (i.kind == ast::InterfaceKind::Uses && !i.optional &&
                    !connected_.count(inst.name + "." + i.name)) {
                    throw Error(inst.where, "interface " + quote(i.name) + " ('uses " + i.type +
                                                "') of instance " + quote(inst.name) +
                                                " is not connected; expected a connection "
                                                "(or 'maybe uses' in component " +
                                                quote(inst.component->name) + ")");
                }
            }
        }
    }

    void vm_layouts() {
        for (auto& inst : system_.instances) {
            if (auto vm = read_vm_layout(inst)) {
                if (!vm->initrd_defect.empty()) {
                    const auto& files = options_.packed_files;
                    if (vm->provide_initrd &&
                        std::find(files.begin(), files.end(), vm->initrd_name) != files.end()) {
                        throw Error(vm->initrd_where, vm->initrd_defect + "; the image packs " +
                                                          quote(vm->initrd_name) +
                                                          ", which the VM would load there");
                    }
                    system_.warnings.push_back(vm->initrd_where.str() + ": " + vm->initrd_defect +
                                               "; no initrd is packed, so nothing is loaded "
                                               "there (an error once one is)");
                }
                for (auto& n : vm->no_effect) {
                    system_.no_effect.push_back(std::move(n));
                }
                vm->no_effect.clear();
                inst.vm = *vm;
                model::MemoryRegion ram;
                ram.owner = inst.name;
                ram.kind = model::RegionKind::GuestRam;
                ram.phys = {vm->layout.ram_paddr, vm->layout.ram.size};
                ram.guest = vm->layout.ram;
                const auto* config = inst.attribute("vm_address_config");
                config = config ? config : inst.attribute("linux_address_config");
                ram.source = config->name;
                ram.where = config->value.where;
                system_.regions.push_back(ram);
            } else {
                for (const char* keep : {"plat_keep_devices", "plat_keep_devices_and_subtree"}) {
                    if (const auto* a = inst.attribute(keep)) {
                        system_.no_effect.push_back(
                            {inst.name, keep, a->value, "only a VM's guest DTB keeps nodes"});
                    }
                }
                for (const char* smc : {"allow_smc", "allowed_smc_functions"}) {
                    if (const auto* a = inst.attribute(smc)) {
                        system_.no_effect.push_back(
                            {inst.name, smc, a->value, "only a VM's guest makes firmware calls"});
                    }
                }
                if (const auto* a = inst.attribute("vcpu_affinity")) {
                    system_.no_effect.push_back(
                        {inst.name, "vcpu_affinity", a->value, "only a VM has vCPUs"});
                }
            }
        }
    }

    const DeviceTree& tree(const SourceLocation& used_at) {
        if (!tree_) {
            if (options_.dtb_path.empty()) {
                throw Error(used_at, "dtb() query needs the platform DTB; expected the tool to be "
                                     "given --dtb <file>");
            }
            tree_ = std::make_unique<DeviceTree>(DeviceTree::load(options_.dtb_path, used_at));
        }
        return *tree_;
    }

    void devices() {
        for (auto& inst : system_.instances) {
            for (const auto& attr : inst.attributes) {
                if (attr.value.kind != Value::Kind::DtbQuery) {
                    continue;
                }
                bool passthrough = false;
                for (const auto& c : system_.connections) {
                    for (const auto& e : c.to) {
                        passthrough |= c.kind == model::ConnectionKind::DtbPassthrough &&
                                       e.instance == inst.name && e.interface == attr.name;
                    }
                }
                if (!passthrough) {
                    throw Error(
                        attr.value.where,
                        quote(inst.name + "." + attr.name) +
                            " has a dtb() query but no seL4VMDTBPassthrough connection "
                            "ends at it; expected connection seL4VMDTBPassthrough <name>(from " +
                            inst.name + ".dtb_self, to " + inst.name + "." + attr.name + ")");
                }
                std::map<std::string, const Value*> matched;
                for (const auto& entry : attr.value.items) {
                    if (entry.keys.empty()) {
                        continue; // `{}`: upstream's way of writing "no device" (dtb([{}]))
                    }
                    const DeviceTree& dt = tree(entry.where);
                    std::optional<DeviceMatch> found = dt.query(entry);
                    if (!found) {
                        // Upstream's fdtQueryEngine gives `{}` (no device) for it: so do we,
                        // saying so, since it is most likely a typo in the path.
                        system_.warnings.push_back(
                            entry.where.str() + ": " + dt.no_match(entry) +
                            " Dropped as upstream does: {}, no device passed through.");
                        continue;
                    }
                    DeviceMatch& m = *found;
                    // A device named twice (upstream's exynos5422 files list a sysmmu
                    // twice) means the same thing as once: a warning, passed through once.
                    auto [it, fresh] = matched.emplace(m.path, &entry);
                    if (!fresh) {
                        system_.warnings.push_back(
                            entry.where.str() + ": dtb query " + quote(entry.to_adl()) +
                            " matches " + quote(m.path) + ", already matched by " +
                            quote(it->second->to_adl()) + " at " + it->second->where.str() +
                            "; the device is passed through once");
                        continue;
                    }
                    for (const auto& w : m.warnings) {
                        system_.warnings.push_back(w);
                    }
                    for (const auto& reg : m.registers) {
                        add_device_region(inst, reg, m.path, entry.where);
                    }
                    // A VM routes its devices' IRQs to its guest; a compound component's
                    // seL4DTBHardware end gets them as its events when it asks for them.
                    const auto wanted = device_interrupts_.find(inst.name + "." + attr.name);
                    if (!inst.vm && (wanted == device_interrupts_.end() || !wanted->second)) {
                        continue;
                    }
                    for (const auto& irq : m.interrupts) {
                        const size_t before = system_.irqs.size();
                        add_irq(inst.name, irq.id, irq.level, m.path, entry.where);
                        if (!inst.vm && system_.irqs.size() > before) {
                            system_.irqs.back().interface = attr.name;
                        }
                    }
                }
            }
            // `irqs` (3.8) and `dtb_irqs` (current): IRQs routed to the guest besides those
            // of its dtb() devices.
            for (const char* name : {"irqs", "dtb_irqs"}) {
                const auto* irqs = inst.attribute(name);
                if (!irqs || !inst.vm) {
                    continue;
                }
                for (const auto& v : irqs->value.items) {
                    if (v.integer < 16 || v.integer > 1019) {
                        throw Error(v.where, quote(inst.name + "." + name) + " contains " +
                                                 quote(v.to_adl()) +
                                                 "; expected GIC interrupt IDs from 16 to 1019");
                    }
                    add_irq(inst.name, static_cast<uint32_t>(v.integer), true,
                            std::string(name) + " attribute", v.where);
                }
            }
        }
    }

    void add_device_region(const model::Instance& inst, base::PhysRange reg,
                           const std::string& node, const SourceLocation& where) {
        constexpr uint64_t page = 4096;
        base::PhysAddr start = reg.base.align_down(page);
        base::PhysAddr end = reg.end().align_up(page);
        base::PhysRange aligned{start, end - start};
        // Devices sharing a page inside one instance become one mapping (no duplicate frames).
        for (auto& r : system_.regions) {
            if (r.owner == inst.name && r.kind == model::RegionKind::Device &&
                r.phys.overlaps(aligned)) {
                base::PhysAddr lo = std::min(r.phys.base, aligned.base);
                base::PhysAddr hi = std::max(r.phys.end(), aligned.end());
                r.phys = {lo, hi - lo};
                r.guest = {base::GuestPhysAddr(lo.raw()), hi - lo};
                if (r.source.find(node) == std::string::npos) {
                    r.source += ", " + node;
                }
                return;
            }
        }
        model::MemoryRegion region;
        region.owner = inst.name;
        region.kind = model::RegionKind::Device;
        region.phys = aligned;
        region.guest = {base::GuestPhysAddr(aligned.base.raw()), aligned.size};
        region.source = node;
        region.where = where;
        system_.regions.push_back(region);
    }

    void add_irq(const std::string& owner, uint32_t id, bool level, const std::string& source,
                 const SourceLocation& where) {
        for (const auto& i : system_.irqs) {
            if (i.number != id) {
                continue;
            }
            if (i.owner == owner) {
                return; // one device listing the IRQ twice, or two nodes sharing it
            }
            throw Error(where, "IRQ " + std::to_string(id) + " of " + quote(source) + " for " +
                                   quote(owner) + " is already routed to " + quote(i.owner) + " (" +
                                   i.source + " at " + i.where.str() +
                                   "); expected each IRQ to have one owner");
        }
        system_.irqs.push_back({owner, id, level, 0, source, where});
    }

    void ownership() {
        auto& regions = system_.regions;
        for (size_t i = 0; i < regions.size(); ++i) {
            for (size_t j = 0; j < i; ++j) {
                const auto& a = regions[j];
                const auto& b = regions[i];
                if (!a.phys.overlaps(b.phys)) {
                    continue;
                }
                throw Error(
                    b.where,
                    "physical range [" + hex(b.phys.base.raw()) + ", " + hex(b.phys.end().raw()) +
                        ") of " + quote(b.source) + " for " + quote(b.owner) + " overlaps [" +
                        hex(a.phys.base.raw()) + ", " + hex(a.phys.end().raw()) + ") of " +
                        quote(a.source) + " for " + quote(a.owner) + " (at " + a.where.str() +
                        "); expected one owner per physical address (share through a connection)");
            }
        }
        for (const auto& r : regions) {
            if (r.kind != model::RegionKind::Device) {
                continue;
            }
            const auto* inst = system_.instance(r.owner);
            if (inst && inst->vm && inst->vm->layout.ram.overlaps(r.guest)) {
                throw Error(r.where, "device " + quote(r.source) + " at guest address " +
                                         hex(r.guest.base.raw()) +
                                         " lies inside the guest RAM of " + quote(r.owner) +
                                         "; expected devices outside linux_address_config's RAM");
            }
        }
    }

    // One bound notification per instance carries all its events, virtqueue signals,
    // servers' signals, callers' wake-ups and IRQs, so badge bits are numbered per
    // receiving instance: events, virtqueue ends, servers' signals and callers' wake-ups in
    // connection order, then IRQs. A VM whose passed-through IRQs do not fit in what is left
    // gets them in chained words of 64 (the kernel signals the bound word's bit for that
    // word; the VMM polls it), so upstream's exynos5422 VMs with ~100 device IRQs resolve.
    void badges() {
        std::map<std::string, unsigned> next;
        auto take = [&](const std::string& owner, const SourceLocation& where) -> uint64_t {
            unsigned& bit = next[owner];
            if (bit >= kWordBits) {
                throw Error(where, "instance " + quote(owner) + " receives more than " +
                                       std::to_string(kWordBits) +
                                       " events, signals and IRQs of its own; expected at most " +
                                       std::to_string(kWordBits) +
                                       " (one notification word; a VM's passed-through IRQs "
                                       "beyond it go to chained words)");
            }
            return uint64_t{1} << bit++;
        };
        for (auto& c : system_.connections) {
            // Every connection here has an implementation (connections() checked).
            const ConnectorImplementation& impl = *ConnectorRegistry::find(c.connector);
            if (c.kind == model::ConnectionKind::Event) {
                for (auto& f : c.from) {
                    f.badge = take(c.to.front().instance, c.where);
                }
            } else if (impl.signals_ends) {
                for (auto& f : c.from) {
                    f.badge = take(f.instance, c.where);
                }
            } else {
                const bool signals =
                    !impl.signals_callers_of.empty() && c.type == impl.signals_callers_of;
                const bool wakes =
                    !impl.wakes_server_from.empty() && c.type == impl.wakes_server_from;
                uint64_t n = 0;
                for (auto& f : c.from) {
                    f.badge = ++n;
                    if (signals) f.signal = take(f.instance, c.where);
                    if (wakes) f.wake = take(c.to.front().instance, c.where);
                }
            }
        }
        // A VM's passed-through IRQs (no interface: the VMM routes them) are chained when
        // the owner's sources do not all fit in its bound word.
        std::map<std::string, unsigned> sources = next;
        for (const auto& q : system_.irqs) {
            ++sources[q.owner];
        }
        std::map<std::string, unsigned> in_word; // bits used in the owner's last chained word
        for (auto& q : system_.irqs) {
            model::Instance& inst = instance_for(q.owner, q.where, "an IRQ");
            if (!inst.vm || !q.interface.empty() || sources[q.owner] <= kWordBits) {
                q.badge = take(q.owner, q.where);
                continue;
            }
            unsigned& used = in_word[q.owner];
            if (inst.irq_words.empty() || used == kWordBits) {
                inst.irq_words.push_back(take(q.owner, q.where));
                used = 0;
            }
            q.word = static_cast<uint32_t>(inst.irq_words.size());
            q.badge = uint64_t{1} << used++;
        }
    }

    static constexpr unsigned kWordBits = 64;

    const ast::File& file_;
    const ResolveOptions& options_;
    System system_;
    std::map<std::string, const ast::Component*> components_;
    std::map<std::string, const ast::Component*> own_; // see own_definition()
    ast::Assembly expanded_;                           // see expand()
    std::map<std::string, bool> device_interrupts_;    // "inst.iface": generate_interrupts
    std::set<std::string> checked_own_;
    std::map<std::string, const ast::Procedure*> procedures_;
    std::map<std::string, const ast::AttributeDecl*> structs_;
    std::map<std::string, const ast::Connector*> connectors_;
    std::set<std::string> connected_;
    std::unique_ptr<DeviceTree> tree_;
};

} // namespace

model::System resolve(const ast::File& file, const ResolveOptions& options) {
    return Resolver(file, options).run();
}

} // namespace adl
