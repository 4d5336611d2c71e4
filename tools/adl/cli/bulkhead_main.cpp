// bulkhead: the host tool's command line. Reads an app's assembly (through cpp,
// with the library, component and platform include paths), resolves it against
// the platform DTB and writes the requested outputs.
#include "adl/diagnostic.hpp"
#include "adl/loader.hpp"
#include "adl/outputs.hpp"
#include "adl/resolver.hpp"
#ifdef BULKHEAD_WITH_IMAGE
#include "system_image.hpp"
#endif

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

namespace {

const char* usage =
    "usage: bulkhead --app <app.camkes> --platform <name> [options]\n"
    "  --root <dir>        Bulkhead source tree (default: the current directory)\n"
    "  --dtb <file>        platform DTB for dtb() queries\n"
    "  -I <dir>, -D <def>  extra cpp include folder / definition\n"
    "  --report <file>     write the text report (memory map, components, connections)\n"
    "  --dot <file>        write a Graphviz picture of the assembly\n"
    "  --glue-dir <dir>    write per-instance C++ glue headers <instance>_glue.hpp\n"
    "  --image <out.elf>   write the bootable image (needs --kernel, --component-dir and a\n"
    "                      --file <name>=<path> for each file a FileServer holds)\n"
    "  --kernel <elf>      the kernel ELF the image boots\n"
    "  --component-dir <d> the target build's components/: <d>/<Type>/<Type>.elf\n"
    "  --file <n>=<path>   host file for archive name <n> (linux, linux-dtb, linux-initrd)\n"
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

} // namespace

int main(int argc, char** argv) {
    std::string app, platform, root = ".", dtb, report, dot, glue_dir, stamp, image_out, kernel,
                               component_dir;
    std::map<std::string, std::string> files;
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
        } else if (a == "--platform") {
            platform = next();
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
            component_dir = next();
        } else if (a == "--file") {
            std::string f = next();
            const auto eq = f.find('=');
            if (eq == std::string::npos || eq == 0) {
                std::cerr << "bulkhead: --file needs <name>=<path>, got '" << f << "'\n";
                return 2;
            }
            files[f.substr(0, eq)] = f.substr(eq + 1);
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
    if (app.empty() || platform.empty()) {
        std::cerr << usage;
        return 2;
    }
    namespace fs = std::filesystem;
    fs::path app_dir = fs::path(app).parent_path();
    cpp.include_dirs = {(fs::path(root) / "interfaces").string(),
                        (fs::path(root) / "components").string(), (app_dir / platform).string(),
                        app_dir.string()};
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
        adl::model::System system = adl::resolve(loaded.merged, {platform, dtb});
        for (const auto& w : system.warnings) {
            std::cerr << "bulkhead: warning: " << w << "\n";
        }
        // Object and slot numbering as the image tool's builder will give them.
        adl::NumberingSpecSink numbering;
        auto lowered = adl::lower_to_spec(system, numbering);
        if (!report.empty()) {
            write_file(report, adl::write_report(system, &lowered));
        }
        if (!dot.empty()) {
            write_file(dot, adl::write_dot(system));
        }
        if (!glue_dir.empty()) {
            for (size_t i = 0; i < system.instances.size(); ++i) {
                const auto& inst = system.instances[i];
                write_file(fs::path(glue_dir) / (inst.name + "_glue.hpp"),
                           adl::write_glue(system, inst, &lowered[i]));
            }
        }
        if (!image_out.empty()) {
#ifdef BULKHEAD_WITH_IMAGE
            if (kernel.empty() || component_dir.empty()) {
                throw std::runtime_error("--image needs --kernel and --component-dir");
            }
            adl::write_system_image(system, {kernel, component_dir, files, image_out});
#else
            throw std::runtime_error("--image: this bulkhead is built without tools/image");
#endif
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
