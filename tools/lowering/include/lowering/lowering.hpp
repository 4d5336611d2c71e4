// The one path from a resolved assembly to the image: every instance is lowered by the
// lowerer its component type registered (components/<Type>/host), or as a plain native
// component when its type registered none; every connection by the lowerer registered
// under its connector's name (tools/lowering/connectors). The report, the glue and the
// image all come from the objects this records, under the same names and slots.
#pragma once

#include <adl/system_model.hpp>
#include <image/system_builder.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lowering {

struct Inputs {
    // Where the component ELFs are: <dir>/<Type>/<Type>.elf or <dir>/<Type>.elf, the first
    // dir that has one (the target build's components/ and, for test systems, their own
    // folders). Empty: describe only (no ELFs, no files needed). The ELFs are read only
    // when the image is packed, so a system can be lowered and reported before they exist.
    std::vector<std::string> component_dirs;
    std::map<std::string, std::string> files; // FileServer archive name -> host file
    // The app's build settings (upstream's CMake options, as its settings.cmake sets them:
    // name -> value, e.g. VmVirtioConsole -> ON; tools/bulkhead --settings). A lowerer
    // reads the ones it knows; the rest have no effect.
    std::map<std::string, std::string> settings;
    // The definition a component type's program was built from (components/<Type>/
    // <Type>.camkes), whose glue reads the instance page; nullptr, or no function: the
    // instance's own definition. An app may declare a type anew with more interfaces
    // (upstream's apps declare their VM so); the page is still the program's.
    std::function<const adl::ast::Component*(const std::string& type)> program_definition;
    // Where the lowering says what it built differently from what the assembly asked
    // ("file:line:col: text"), for the tool to print; nullptr: not collected.
    std::vector<std::string>* warnings = nullptr;

    [[nodiscard]] bool describe_only() const { return component_dirs.empty(); }
};

// What one interface of an instance was given.
struct InterfaceObjects {
    std::string name;
    std::optional<uint32_t> slot;   // endpoint or notification capability
    std::optional<uint32_t> object; // provides: the endpoint its callers share
    uint32_t peers = 0;             // provides: callers so far (their badges are 1..peers)
    // uses / emits: the badge the capability carries; consumes: the notification bits that
    // mean an event arrived on this interface.
    uint64_t badge = 0;
    // uses of a connector whose callers wake the server: that notification capability.
    std::optional<uint32_t> wake_slot;
    struct Buffer {
        uint64_t at = 0; // in this instance's address space
        uint64_t size = 0;
        uint64_t peer_badge = 0; // provides: the caller this buffer belongs to
    };
    // uses / dataport: its buffer; provides: one per caller.
    std::vector<Buffer> buffers;
    // seL4SharedDataWithCaps: the frames themselves (region and offset), which an end that
    // runs a guest may map into it as well.
    struct Frames {
        image::RegionId region{};
        uint64_t offset = 0;
        uint64_t size = 0;
    };
    std::optional<Frames> frames;
};

struct InstanceObjects {
    std::string name;
    std::string type;
    // A `hardware` component has no domain: it runs nothing and holds nothing; its
    // registers and interrupt reach the components connected to it. Other types may be
    // domainless too (VirtQueueInit only names connections); `no_domain_reason` says what
    // the instance is instead, in the report and in errors.
    bool hardware = false;
    std::string_view no_domain_reason = "hardware component";
    image::DomainId domain{}; // not for hardware
    std::optional<image::ThreadId> thread;
    uint32_t priority = 0;
    std::optional<image::NotificationId> notification; // bound to its thread
    std::vector<InterfaceObjects> interfaces;
    struct Cap {
        std::string name;
        uint32_t slot = 0;
    };
    std::vector<Cap> caps; // every capability the domain holds, in slot order
    struct Mapping {
        std::string name;
        uint64_t at = 0;
        uint64_t size = 0;
    };
    std::vector<Mapping> mappings;              // named mappings (buffers, configuration pages)
    std::vector<image::DomainId> extra_domains; // e.g. a VM's guest address space

    [[nodiscard]] const InterfaceObjects* interface(std::string_view name) const;
    [[nodiscard]] std::optional<uint32_t> cap(std::string_view name) const;
};

// Where the lowering puts shared buffers in a component's address space: one after the
// other from here, each followed by an unmapped guard page. The first 1 GiB boundary
// from 4 GiB up that lies above the board's RAM (a VMM maps its guest's RAM at the
// guest's own addresses): low enough that every domain's IPAs stay below 16 GiB, where
// the kernel's stage-2 walks take two levels instead of three (docs/ARCHITECTURE.md,
// "Stage-2 walk depth").
uint64_t shared_window_base(const image::Board& board);

class Context {
public:
    Context(const adl::model::System& system, image::SystemBuilder& builder, const Inputs& inputs);

    [[nodiscard]] const adl::model::System& system() const { return system_; }
    [[nodiscard]] image::SystemBuilder& builder() { return builder_; }
    [[nodiscard]] const Inputs& inputs() const { return inputs_; }
    [[nodiscard]] const image::Board& board() const { return builder_.description().board; }

    // The record of an instance (created when the instance's lowerer runs).
    InstanceObjects& instance(std::string_view name);
    InterfaceObjects& interface(InstanceObjects& instance, std::string_view name);

    // Puts `cap` in the instance's next free slot, under `name` in the report.
    uint32_t give(InstanceObjects& instance, const std::string& name, const spec::Cap& cap);
    // Maps `size` bytes of `region` from `offset` at the next free address of the
    // instance's shared window.
    uint64_t map_shared(InstanceObjects& instance, const std::string& name, image::RegionId region,
                        uint64_t size, uint32_t rights, uint64_t offset = 0);
    // The instance's one bound notification (events and IRQs), created on first use and
    // bound to its thread; its receive capability is the slot named "notification".
    image::NotificationId notification(InstanceObjects& instance);
    // The component ELF an instance runs (see Inputs::component_dirs).
    [[nodiscard]] std::string program_of(const adl::model::Instance& instance) const;

    // A warning at `where` (Inputs::warnings).
    void warn(const adl::SourceLocation& where, const std::string& text) const {
        if (inputs_.warnings != nullptr) inputs_.warnings->push_back(where.str() + ": " + text);
    }

    // The instance records, in assembly order (what lower_system returns).
    std::vector<InstanceObjects>& instances() { return instances_; }

private:
    const adl::model::System& system_;
    image::SystemBuilder& builder_;
    const Inputs& inputs_;
    std::vector<InstanceObjects> instances_;
    std::map<std::string, uint64_t, std::less<>> next_shared_;
};

// Lowers every instance and connection into `builder`. Throws adl::Error (file:line:col
// of the assembly) or std::runtime_error for what cannot be lowered.
std::vector<InstanceObjects> lower_system(const adl::model::System& system,
                                          image::SystemBuilder& builder, const Inputs& inputs);

// Before packing: every instance's program exists. A missing one is an error at the
// instance naming the component type and where its binary was looked for (its type has no
// bulkhead_component() in the target build yet, or the build did not make it).
void check_programs(const adl::model::System& system, const std::vector<InstanceObjects>& instances,
                    const image::SystemDescription& description);

// The "Kernel objects" section of the report: per instance its domains, every capability
// slot (kind, object, badge, rights: as `bulkhead_image inspect` prints them) and its
// named mappings.
std::string write_objects_report(const std::vector<InstanceObjects>& instances,
                                 const image::SystemDescription& description);

} // namespace lowering
