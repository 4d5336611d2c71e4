// The instance page (spec/instance_page.hpp) on the tool's side: how a component
// definition is hashed (the glue embeds the same hash) and how an instance's page is
// written from what the lowering gave it and from its attribute values.
#pragma once

#include "lowering/lowering.hpp"

#include <adl/ast.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lowering {

// A canonical text of the definition: interfaces and attributes, in declaration order.
std::string definition_text(const adl::ast::Component& component);
uint64_t definition_hash(const adl::ast::Component& component);

// The attributes a page carries: the component's declared ones, in declaration order
// (dtb() queries excluded: they become the VM's passthrough, not a value).
std::vector<const adl::ast::AttributeDecl*> page_attributes(const adl::ast::Component& component);

// `definition`: the one the instance's program was built from (Inputs::program_definition),
// by whose interface and attribute names the page is written; nullptr: the instance's own.
std::vector<uint8_t> write_instance_page(const adl::model::Instance& instance,
                                         const InstanceObjects& objects,
                                         const std::vector<uint8_t>& type_blob,
                                         const adl::ast::Component* definition = nullptr);

} // namespace lowering
