// Syntax tree of ADL files: procedures, components, connectors and assemblies,
// exactly as written (resolution happens in resolver.hpp).
#pragma once

#include "adl/source_location.hpp"
#include "adl/value.hpp"

#include <optional>
#include <string>
#include <vector>

namespace adl::ast {

enum class Direction { In, Out, InOut };

struct Parameter {
    Direction direction = Direction::In;
    std::string type;
    std::string name;
    SourceLocation where;
};

struct Method {
    std::string return_type; // "void" when nothing is returned
    std::string name;
    std::vector<Parameter> parameters;
    SourceLocation where;
};

struct Procedure {
    std::string name;
    std::vector<Method> methods;
    SourceLocation where;
};

enum class InterfaceKind { Provides, Uses, Emits, Consumes, Dataport };

struct Interface {
    InterfaceKind kind = InterfaceKind::Provides;
    bool optional = false; // `maybe`
    std::string type;
    std::string name;
    uint64_t size = 0; // `dataport Buf(4096) d;`: the dataport's bytes; 0 when not given
    SourceLocation where;
};

// A scalar type name, or a struct of named fields (`attribute { string a; } name;`).
struct AttributeDecl {
    std::string type; // empty for a struct
    std::vector<AttributeDecl> fields;
    std::string name;
    bool is_array = false;
    std::optional<Value> default_value;
    SourceLocation where;
};

enum class SyncKind { Mutex, Semaphore, BinarySemaphore };

struct SyncPrimitive {
    SyncKind kind = SyncKind::Mutex;
    std::string name;
    SourceLocation where;
};

enum class EndKind { Procedure, Event, Dataport };

struct ConnectorSide {
    EndKind kind = EndKind::Procedure;
    bool plural = false; // Procedures / Events / Dataports: several ends allowed
    SourceLocation where;
};

struct Connector {
    std::string name;
    std::optional<ConnectorSide> from;
    std::optional<ConnectorSide> to;
    SourceLocation where;
};

struct Instance {
    std::string type;
    std::string name;
    SourceLocation where;
};

struct ConnectionEnd {
    bool is_from = true;
    std::string instance;
    std::string interface;
    SourceLocation where;
};

struct Connection {
    std::string connector;
    std::string name;
    std::vector<ConnectionEnd> ends;
    SourceLocation where;
};

struct Setting {
    std::string instance;
    std::string attribute;
    Value value;
    SourceLocation where;
};

struct Import {
    std::string path;
    bool angled = false;
    SourceLocation where;
};

struct Assembly {
    std::vector<Instance> instances;
    std::vector<Connection> connections;
    std::vector<Setting> settings;
    SourceLocation where;
};

struct Component {
    std::string name;
    bool control = false;
    bool hardware = false; // a device: its dataports are device memory at _paddr/_size
    std::vector<Interface> interfaces;
    std::vector<AttributeDecl> attributes;
    std::vector<SyncPrimitive> sync;
    // A compound component's own `composition { ... }` and `configuration { ... }`:
    // connections between its own interfaces (ends with an empty instance) and settings of
    // them (`pmu.dtb = dtb({...});`), made for each instance of it.
    std::optional<Assembly> body;
    SourceLocation where;
};

// One parsed file (or several merged: the loader appends imports in order).
struct File {
    std::vector<Import> imports;
    // `struct T { type field; ... };`: a named shape for attributes declared `attribute T x;`
    // (each an AttributeDecl with the struct's name and fields).
    std::vector<AttributeDecl> structs;
    std::vector<Procedure> procedures;
    std::vector<Component> components;
    std::vector<Connector> connectors;
    std::vector<Assembly> assemblies;
    // A component type's own definition (`<Type>/<Type>.camkes` on the include path) when
    // the app declares the type itself instead of importing it (upstream's files declare
    // PingClient and VM locally), with the structs that file declares. The resolver binds
    // an instance to it when the app's declaration is part of it (loader.hpp).
    std::vector<Component> own_components;
    std::vector<AttributeDecl> own_structs;
};

const char* to_string(InterfaceKind kind);
const char* to_string(EndKind kind);

} // namespace adl::ast
