// Component types plug into the lowering here: a type's host library registers one
// lowerer under the type's name (`static lowering::ComponentRegistration r{"VM", lowerer};`)
// and is linked into the bulkhead tool. A type that registers nothing is lowered as a
// plain native component (native_component.hpp).
#pragma once

#include "lowering/lowering.hpp"

#include <string_view>
#include <vector>

namespace lowering {

class ComponentLowerer {
public:
    virtual ~ComponentLowerer() = default;
    // Before any connection: the instance's domain(s) and thread(s). Must set
    // objects.domain (and objects.thread when the instance runs code).
    virtual void create(Context& context, const adl::model::Instance& instance,
                        InstanceObjects& objects) = 0;
    // After every connection is lowered, so every slot is known: configuration pages,
    // archives, whatever needs the whole picture.
    virtual void finish(Context& context, const adl::model::Instance& instance,
                        InstanceObjects& objects) {
        (void)context, (void)instance, (void)objects;
    }
};

class ComponentRegistry {
public:
    // nullptr: the type registered no lowerer.
    static ComponentLowerer* find(std::string_view type);
    static std::vector<std::string_view> names();
    static void add(std::string_view type, ComponentLowerer& lowerer);
};

struct ComponentRegistration {
    ComponentRegistration(std::string_view type, ComponentLowerer& lowerer) {
        ComponentRegistry::add(type, lowerer);
    }
};

} // namespace lowering
