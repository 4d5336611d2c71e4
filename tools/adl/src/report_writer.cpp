// Text report (see report_writer.hpp).
#include "adl/report_writer.hpp"

#include "adl/number_format.hpp"

#include <cstdio>
#include <sstream>

namespace adl {

namespace {

std::string size_text(uint64_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) {
        return std::to_string(bytes >> 20) + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
        return std::to_string(bytes >> 10) + " KiB";
    }
    return std::to_string(bytes) + " B";
}

std::string ends_text(const std::vector<model::End>& ends) {
    std::string out;
    for (const auto& e : ends) {
        out += (out.empty() ? "" : ", ") + e.instance + "." + e.interface;
    }
    return out;
}
} // namespace

std::string write_report(const model::System& s, const std::string& objects) {
    std::ostringstream out;
    out << "Bulkhead system report (platform " << s.platform << ")\n\n";
    out << "Components\n";
    for (const auto& i : s.instances) {
        out << "  " << i.name << " : " << i.component->name;
        if (i.priority) {
            out << "  priority " << *i.priority;
        }
        if (i.heap_size) {
            out << "  heap " << size_text(*i.heap_size);
        }
        out << "\n";
        for (const auto& a : i.attributes) {
            out << "    " << a.name << " = " << a.value.to_adl()
                << (a.from_default ? "  (default)" : "") << "\n";
        }
    }
    out << "\nConnections\n";
    for (const auto& c : s.connections) {
        out << "  " << c.name << " : " << c.connector << " (" << model::to_string(c.kind) << ")  "
            << ends_text(c.from) << " -> " << ends_text(c.to);
        if (!c.type.empty()) {
            out << "  type " << c.type;
        }
        if (c.shared_bytes) {
            out << "  buffer " << size_text(c.shared_bytes);
        }
        out << "\n";
    }
    out << "\nMemory map (physical -> guest)\n";
    for (const auto& r : s.regions) {
        out << "  " << r.owner << "  " << model::to_string(r.kind) << "  "
            << hex(r.phys.base.raw(), 8) << "-" << hex(r.phys.end().raw(), 8) << " -> "
            << hex(r.guest.base.raw(), 8) << "-" << hex(r.guest.end().raw(), 8) << "  "
            << size_text(r.phys.size) << "  " << r.source << "\n";
    }
    for (const auto& i : s.instances) {
        if (!i.vm) {
            continue;
        }
        const auto& vm = *i.vm;
        out << "  " << i.name << " guest images: " << vm.linux_name << " at RAM start, "
            << vm.dtb_name << " at " << hex(vm.layout.dtb.base.raw(), 8) << ", " << vm.initrd_name
            << " at " << hex(vm.layout.initrd.base.raw(), 8);
        if (vm.address.initrd_max_size != 0) {
            out << " (max " << size_text(vm.address.initrd_max_size) << ")";
        }
        out << (vm.unity ? "; RAM mapped 1:1" : "") << "; " << vm.num_vcpus << " vCPU(s)";
        if (!vm.bootargs.empty()) {
            out << "; bootargs \"" << vm.bootargs << "\"";
        }
        if (!vm.stdout_path.empty()) {
            out << "; stdout " << vm.stdout_path;
        }
        if (vm.allow_smc) {
            out << "; firmware calls: ";
            if (vm.allowed_smc_functions.empty()) {
                out << "a board module's list";
            } else {
                out << vm.allowed_smc_functions.size() << " allowed";
            }
        }
        if (!vm.keep_nodes.empty()) {
            out << "; DTB also keeps";
            for (const auto& k : vm.keep_nodes) {
                out << " " << k.path << (k.subtree ? " (with subtree)" : "");
            }
        }
        out << "\n";
    }
    out << "\nIRQs\n";
    for (const auto& q : s.irqs) {
        out << "  " << q.owner << "  " << q.number << (q.level ? " level" : " edge") << "  "
            << q.source << "\n";
    }
    out << "\nAttributes with no effect in Bulkhead\n";
    for (const auto& n : s.no_effect) {
        out << "  " << n.instance << "." << n.attribute << " = " << n.value.to_adl() << "  ("
            << n.reason << ")\n";
    }
    if (!objects.empty()) {
        out << "\nKernel objects (per instance: its domains, every capability slot as "
               "`bulkhead_image inspect` prints it, named mappings)\n"
            << objects;
    }
    if (!s.warnings.empty()) {
        out << "\nWarnings\n";
        for (const auto& w : s.warnings) {
            out << "  " << w << "\n";
        }
    }
    return out.str();
}

} // namespace adl
