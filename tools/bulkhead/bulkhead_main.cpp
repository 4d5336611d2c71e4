// bulkhead: the host tool's command line. Reads an app's assembly (through cpp,
// with the library, component and platform include paths), resolves it against
// the platform DTB, lowers it into the board's system description (tools/lowering, with
// the component types' lowerers linked in) and writes the requested outputs from that
// one lowering: report, picture, glue, image.
#include <adl/diagnostic.hpp>
#include <adl/loader.hpp>
#include <adl/outputs.hpp>
#include <adl/resolver.hpp>
#include <image/board.hpp>
#include <lowering/board_dtb_check.hpp>
#include <lowering/glue_writer.hpp>
#include <lowering/lowering.hpp>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

namespace {

const char* usage =
    "usage: bulkhead --app <app.camkes> --platform <name> [options]\n"
    "       bulkhead --definitions <Type.camkes> --glue-dir <dir> [--root <dir>] [-I <dir>]\n"
    "                (the glue of every component the file defines, for its build)\n"
    "  --root <dir>        Bulkhead source tree (default: the current directory)\n"
    "  --dtb <file>        platform DTB for dtb() queries\n"
    "  --gic-version <n>   build for the board run with GICv<n> (one it offers; default:\n"
    "                      its own), with --dtb the board's DTB in that configuration\n"
    "  -I <dir>, -D <def>  extra cpp include folder / definition\n"
    "  --report <file>     write the text report (memory map, components, connections)\n"
    "  --dot <file>        write a Graphviz picture of the assembly\n"
    "  --glue-dir <dir>    write the C++ glue <Type>_glue.hpp of each component type used\n"
    "  --image <out.elf>   write the bootable image (needs --kernel, --component-dir and a\n"
    "                      --file <name>=<path> for each file a FileServer holds)\n"
    "  --kernel <elf>      the kernel ELF the image boots\n"
    "  --component-dir <d> where component ELFs are: <d>/<Type>/<Type>.elf or <d>/<Type>.elf\n"
    "                      (repeatable; the first that has one wins)\n"
    "  --file <n>=<path>   host file for archive name <n> (linux, linux-dtb, linux-initrd)\n"
    "  --settings <file>   the app's build settings, one <name>=<value> a line (its\n"
    "                      settings.cmake evaluated by cmake/AppSettings.cmake)\n"
    "  --stamp <file>      touch <file> when everything succeeded (for build systems)\n"
    "Without outputs it only checks the assembly.\n";

void write_file(const std::filesystem::path& path, const std::string& text) {
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

// The glue of every component the file itself defines (not those it imports).
int write_definitions_glue(const std::string& file, const adl::PreprocessorOptions& cpp,
                           const std::string& dir) {
    try {
        const adl::LoadedApp loaded = adl::load_app(file, cpp);
        const auto canonical = std::filesystem::weakly_canonical(file);
        int written = 0;
        for (const auto& c : loaded.merged.components) {
            if (std::filesystem::weakly_canonical(c.where.file) != canonical) {
                continue;
            }
            write_file(std::filesystem::path(dir) / (c.name + "_glue.hpp"),
                       lowering::write_glue(c, loaded.merged.procedures));
            ++written;
        }
        if (written == 0) {
            throw std::runtime_error(file + " defines no component");
        }
    } catch (const adl::Error& e) {
        std::cerr << adl::render(e);
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "bulkhead: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

// The app's build settings: <name>=<value> lines (blank lines skipped).
bool read_settings(const std::string& path, std::map<std::string, std::string>& settings) {
    std::ifstream in(path);
    if (!in) {
        std::cerr << "bulkhead: --settings " << path << ": cannot read it\n";
        return false;
    }
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::cerr << path << ":" << n << ": expected <name>=<value>, got '" << line << "'\n";
            return false;
        }
        settings[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::string app, definitions, platform, root = ".", dtb, report, dot, glue_dir, stamp,
                                            image_out, kernel;
    std::vector<std::string> component_dirs;
    uint32_t gic_version = 0; // the board's own
    std::map<std::string, std::string> files;
    std::map<std::string, std::string> settings;
    adl::PreprocessorOptions cpp;
    std::vector<std::string> extra_includes;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "bulkhead: " << a << " needs a value\n" << usage;
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--app") {
            app = next();
        } else if (a == "--definitions") {
            definitions = next();
        } else if (a == "--platform") {
            platform = next();
        } else if (a == "--gic-version") {
            const std::string v = next();
            if (v != "2" && v != "3") {
                std::cerr << "bulkhead: --gic-version " << v << ": 2 or 3\n" << usage;
                return 2;
            }
            gic_version = static_cast<uint32_t>(std::stoul(v));
        } else if (a == "--root") {
            root = next();
        } else if (a == "--dtb") {
            dtb = next();
        } else if (a == "--report") {
            report = next();
        } else if (a == "--dot") {
            dot = next();
        } else if (a == "--glue-dir") {
            glue_dir = next();
        } else if (a == "--image") {
            image_out = next();
        } else if (a == "--kernel") {
            kernel = next();
        } else if (a == "--component-dir") {
            component_dirs.push_back(next());
        } else if (a == "--file") {
            std::string f = next();
            const auto eq = f.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::cerr << "bulkhead: --file needs <name>=<path>, got '" << f << "'\n";
                return 2;
            }
            files[f.substr(0, eq)] = f.substr(eq + 1);
        } else if (a == "--settings") {
            if (!read_settings(next(), settings)) return 2;
        } else if (a == "--stamp") {
            stamp = next();
        } else if (a == "-I") {
            extra_includes.push_back(next());
        } else if (a == "-D") {
            cpp.defines.push_back(next());
        } else if (a.rfind("-I", 0) == 0) {
            extra_includes.push_back(a.substr(2));
        } else if (a.rfind("-D", 0) == 0) {
            cpp.defines.push_back(a.substr(2));
        } else if (a == "-h" || a == "--help") {
            std::cout << usage;
            return 0;
        } else {
            std::cerr << "bulkhead: unknown option '" << a << "'\n" << usage;
            return 2;
        }
    }
    namespace fs = std::filesystem;
    if (!definitions.empty() && app.empty() && !glue_dir.empty()) {
        cpp.include_dirs = {(fs::path(root) / "interfaces").string(),
                            (fs::path(root) / "components").string()};
        for (const auto& d : extra_includes) {
            cpp.include_dirs.push_back(d);
        }
        return write_definitions_glue(definitions, cpp, glue_dir);
    }
    if (app.empty() || platform.empty()) {
        std::cerr << usage;
        return 2;
    }
    fs::path app_dir = fs::path(app).parent_path();
    cpp.include_dirs = {(fs::path(root) / "interfaces").string(),
                        (fs::path(root) / "components").string(), (app_dir / platform).string(),
                        app_dir.string()};
    // A board's own headers (upstream's plat_include/<plat>: plat/smc.h on zcu102).
    if (const fs::path board_include = fs::path(root) / "platforms" / platform / "include";
        fs::is_directory(board_include)) {
        cpp.include_dirs.push_back(board_include.string());
    }
    for (const auto& d : extra_includes) {
        cpp.include_dirs.push_back(d);
    }
    // Upstream guards board specifics with KERNELARMPLATFORM_<BOARD> (e.g. _QEMU_ARM_VIRT).
    std::string upper;
    for (char c : platform) {
        upper +=
            std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
    }
    cpp.defines.push_back("KERNELARMPLATFORM_" + upper + "=1");

    try {
        adl::LoadedApp loaded = adl::load_app(app, cpp);
        std::vector<std::string> packed;
        for (const auto& [name, path] : files) {
            if (!image_out.empty()) {
                packed.push_back(name);
            }
        }
        adl::model::System system = adl::resolve(loaded.merged, {platform, dtb, packed});
        for (const auto& w : system.warnings) {
            std::cerr << "bulkhead: warning: " << w << "\n";
        }
        const image::Board board = image::BoardRegistry::checked(platform, gic_version);
        if (!dtb.empty()) {
            lowering::require_board_matches_dtb(
                board, adl::DeviceTree::load(dtb, adl::SourceLocation{dtb, 0, 0}));
        }
        if (!image_out.empty() && (kernel.empty() || component_dirs.empty())) {
            throw std::runtime_error("--image needs --kernel and --component-dir");
        }
        // One lowering for every output: the ELFs are read only when the image is packed.
        image::SystemBuilder builder(board);
        lowering::Inputs inputs;
        if (!image_out.empty()) inputs.component_dirs = component_dirs;
        inputs.files = files;
        inputs.settings = settings;
        // A component type's program is built from components/<Type>/<Type>.camkes (as
        // `--definitions` reads it): its page is written for that definition.
        adl::PreprocessorOptions definitions_cpp = cpp;
        definitions_cpp.include_dirs = {(fs::path(root) / "interfaces").string(),
                                        (fs::path(root) / "components").string()};
        std::map<std::string, std::optional<adl::LoadedApp>> programs;
        inputs.program_definition = [&](const std::string& type) -> const adl::ast::Component* {
            auto [it, added] = programs.try_emplace(type);
            const fs::path file = fs::path(root) / "components" / type / (type + ".camkes");
            if (added && fs::exists(file)) {
                it->second = adl::load_app(file.string(), definitions_cpp);
            }
            if (!it->second) {
                return nullptr;
            }
            for (const auto& c : it->second->merged.components) {
                if (c.name == type &&
                    fs::weakly_canonical(c.where.file) == fs::weakly_canonical(file)) {
                    return &c;
                }
            }
            return nullptr;
        };
        std::vector<std::string> lowering_warnings;
        inputs.warnings = &lowering_warnings;
        const std::vector<lowering::InstanceObjects> lowered =
            lowering::lower_system(system, builder, inputs);
        for (const auto& w : lowering_warnings) {
            std::cerr << "bulkhead: warning: " << w << "\n";
        }
        if (!report.empty()) {
            write_file(report, adl::write_report(system, lowering::write_objects_report(
                                                             lowered, builder.description())));
        }
        if (!dot.empty()) {
            write_file(dot, adl::write_dot(system));
        }
        if (!glue_dir.empty()) {
            for (const auto& inst : system.instances) {
                write_file(fs::path(glue_dir) / (inst.component->name + "_glue.hpp"),
                           lowering::write_glue(*inst.component, system.definitions->procedures));
            }
        }
        if (!image_out.empty()) {
            lowering::check_programs(system, lowered, builder.description());
            builder.pack(kernel, image_out);
        }
        if (!stamp.empty()) {
            write_file(stamp, "");
        }
    } catch (const adl::Error& e) {
        std::cerr << adl::render(e);
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "bulkhead: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
