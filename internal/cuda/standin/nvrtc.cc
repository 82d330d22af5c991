/*
 * nvrtc.cc: the stand-in libnvrtc.so.13 (the 13 symbols of internal/cuda's
 * NVRTCSymbols, spec section 1.4).
 *
 * nvrtcCompileProgram compiles the CUDA C program as host C++ with g++
 * (VGGO_STANDIN_CXX, else g++ from PATH) into a shared object: prelude.h
 * first, then the program under #line so diagnostics name it as NVRTC's do,
 * then a generated table with one trampoline per extern "C" __global__
 * function. The outputs (image.h) are a "CUBIN" (the shared object behind a
 * header naming the architecture; empty for a virtual compute_XX target)
 * and "PTX" text with .version, .target and an .entry per kernel that also
 * carries the shared object, so that the stand-in driver can "JIT" it.
 *
 * The only state is the registry of live programs, which lets every call
 * reject an invalid handle with NVRTC_ERROR_INVALID_PROGRAM as NVRTC does.
 */
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "image.h"
#include "prelude.h"

extern "C" {
#include "decl.h"
}

#define VGSK_ABI(...) static const char vgsk_abi_text[] = #__VA_ARGS__;
#include "kernel_abi.h"
#undef VGSK_ABI

extern char **environ;

#define EXPORT extern "C" __attribute__((visibility("default")))
#define CHECK_PROTO(sym) \
	static_assert(std::is_same_v<decltype(&sym), vg_pfn_##sym>, #sym " differs from internal/cuda/decl.h")

struct _nvrtcProgram {
	std::string src;
	std::string name;
	std::vector<std::pair<std::string, std::string>> headers; // include name, contents
	std::string log;
	std::string ptx;   // with its NUL
	std::string cubin; // empty for a virtual architecture
	bool compiled = false;
};

namespace {

/* nvrtcResult (nvrtc.h:41-60). */
enum : int {
	kOk = 0,
	kInvalidInput = 3,
	kInvalidProgram = 4,
	kInvalidOption = 5,
	kCompilation = 6,
	kInternal = 11,
};

/* NVRTC 13.0's architectures, ascending (nvrtcGetSupportedArchs). */
constexpr int kArchs[] = {75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121};

struct Registry {
	std::mutex mu;
	std::set<const _nvrtcProgram *> live;
};

Registry &registry()
{
	static Registry *r = new Registry; // process lifetime, as NVRTC's own state
	return *r;
}

bool live(const _nvrtcProgram *p)
{
	std::lock_guard<std::mutex> g(registry().mu);
	return p != nullptr && registry().live.count(p) != 0;
}

/* ---- options ---- */

struct Config {
	int arch = 75;
	bool virt = true; // NVRTC 13's default target is compute_75
	std::string std = "c++17";
	bool fmad = true;
	bool no_warnings = false;
	std::vector<std::string> cxx_args; // -D, -U, -I, -include
};

bool value_of(const std::string &opt, const char *long_name, const char *short_name, std::string *v,
	int *i, int n, const char *const *options)
{
	for (const char *nm : {long_name, short_name}) {
		if (nm == nullptr)
			continue;
		size_t l = strlen(nm);
		if (opt.compare(0, l, nm) != 0)
			continue;
		if (opt.size() > l && opt[l] == '=') {
			*v = opt.substr(l + 1);
			return true;
		}
		if (opt.size() == l && *i + 1 < n && options[*i + 1] != nullptr) {
			*v = options[++*i];
			return true;
		}
	}
	return false;
}

bool bool_value(const std::string &v, bool *out)
{
	if (v == "true") {
		*out = true;
		return true;
	}
	if (v == "false") {
		*out = false;
		return true;
	}
	return false;
}

/* The NVRTC options of nvrtc.h's "Supported Compile Options" that the
 * stand-in models (or accepts as having no effect on host code). */
int parse_options(int n, const char *const *options, Config *c, std::string *log)
{
	for (int i = 0; i < n; i++) {
		if (options[i] == nullptr)
			return kInvalidInput;
		std::string o = options[i], v;
		if (value_of(o, "--gpu-architecture", "-arch", &v, &i, n, options)) {
			int a = 0;
			char kind[16] = {0};
			char rest = 0;
			if (sscanf(v.c_str(), "%15[a-z]_%d%c", kind, &a, &rest) != 2 ||
				(strcmp(kind, "sm") != 0 && strcmp(kind, "compute") != 0)) {
				*log = "nvrtc: error: invalid value for --gpu-architecture (-arch): " + v + "\n";
				return kInvalidOption;
			}
			bool known = false;
			for (int k : kArchs)
				known |= k == a;
			if (!known) {
				*log = "nvrtc: error: invalid value for --gpu-architecture (-arch): " + v + " is not supported\n";
				return kInvalidOption;
			}
			c->arch = a;
			c->virt = strcmp(kind, "compute") == 0;
		} else if (value_of(o, "--std", "-std", &v, &i, n, options)) {
			if (v != "c++03" && v != "c++11" && v != "c++14" && v != "c++17" && v != "c++20") {
				*log = "nvrtc: error: invalid value for --std: " + v + "\n";
				return kInvalidOption;
			}
			c->std = v == "c++03" ? "c++11" : v; // the prelude needs C++11
		} else if (value_of(o, "--fmad", "-fmad", &v, &i, n, options)) {
			if (!bool_value(v, &c->fmad)) {
				*log = "nvrtc: error: invalid value for --fmad: " + v + "\n";
				return kInvalidOption;
			}
		} else if (value_of(o, "--define-macro", "-D", &v, &i, n, options) || (o.rfind("-D", 0) == 0 && (v = o.substr(2), true))) {
			c->cxx_args.push_back("-D" + v);
		} else if (value_of(o, "--undefine-macro", "-U", &v, &i, n, options) || (o.rfind("-U", 0) == 0 && (v = o.substr(2), true))) {
			c->cxx_args.push_back("-U" + v);
		} else if (value_of(o, "--include-path", "-I", &v, &i, n, options) || (o.rfind("-I", 0) == 0 && (v = o.substr(2), true))) {
			c->cxx_args.push_back("-I" + v);
		} else if (value_of(o, "--pre-include", "-include", &v, &i, n, options)) {
			c->cxx_args.push_back("-include");
			c->cxx_args.push_back(v);
		} else if (o == "--disable-warnings" || o == "-w") {
			c->no_warnings = true;
		} else if (value_of(o, "--ftz", "-ftz", &v, &i, n, options) || value_of(o, "--prec-sqrt", "-prec-sqrt", &v, &i, n, options) ||
			value_of(o, "--prec-div", "-prec-div", &v, &i, n, options) ||
			value_of(o, "--relocatable-device-code", "-rdc", &v, &i, n, options) ||
			value_of(o, "--dopt", "-dopt", &v, &i, n, options)) {
			/* Host IEEE arithmetic is what ftz=false, prec-*=true give on
			 * the device; the others do not change host code. */
		} else if (o == "--device-debug" || o == "-G" || o == "--generate-line-info" || o == "-lineinfo" ||
			o == "--use_fast_math" || o == "-use_fast_math" || o == "--restrict" || o == "-restrict" ||
			o == "--device-as-default-execution-space" || o == "-default-device" || o == "--extra-device-vectorization" ||
			o == "-extra-device-vectorization" || o == "--no-source-include" || o == "-no-source-include") {
			/* Accepted; no effect on the host build (--use_fast_math keeps
			 * IEEE arithmetic: exactness is within its error bounds). */
		} else {
			*log = "nvrtc: error: unrecognized option " + o + "\n";
			return kInvalidOption;
		}
	}
	return kOk;
}

/* ---- the source scan ---- */

struct Tok {
	enum Kind { Ident, Str, Punct, Other } kind;
	std::string text;
	size_t pos;
};

/* Tokens of the program outside comments and preprocessor lines: enough
 * to find extern "C" __global__ functions, their bodies and __shared__. */
std::vector<Tok> tokenize(const std::string &s)
{
	std::vector<Tok> out;
	size_t i = 0, n = s.size();
	bool line_start = true;
	auto ident_char = [](char c) { return isalnum((unsigned char)c) || c == '_'; };
	while (i < n) {
		char c = s[i];
		if (c == '\n') {
			line_start = true;
			i++;
			continue;
		}
		if (isspace((unsigned char)c)) {
			i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			size_t e = s.find("*/", i + 2);
			i = e == std::string::npos ? n : e + 2;
			continue;
		}
		if (c == '#' && line_start) {
			while (i < n && s[i] != '\n') {
				if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\n')
					i++;
				i++;
			}
			continue;
		}
		line_start = false;
		if (c == '"' || (c == '\'' && (out.empty() || i == 0 || !ident_char(s[i - 1])))) {
			size_t b = i++;
			while (i < n && s[i] != c && s[i] != '\n') {
				if (s[i] == '\\')
					i++;
				i++;
			}
			i++;
			out.push_back({Tok::Str, s.substr(b, std::min(i, n) - b), b});
			continue;
		}
		if (ident_char(c)) {
			size_t b = i;
			bool num = isdigit((unsigned char)c);
			while (i < n && (ident_char(s[i]) || (num && (s[i] == '.' || s[i] == '\''))))
				i++;
			std::string t = s.substr(b, i - b);
			if (!num && i < n && s[i] == '"' && (t == "R" || t == "LR" || t == "uR" || t == "UR" || t == "u8R")) {
				size_t open = s.find('(', i);
				std::string delim = open == std::string::npos ? "" : s.substr(i + 1, open - i - 1);
				size_t e = open == std::string::npos ? std::string::npos : s.find(")" + delim + "\"", open);
				i = e == std::string::npos ? n : e + delim.size() + 2;
				out.push_back({Tok::Str, s.substr(b, i - b), b});
				continue;
			}
			out.push_back({num ? Tok::Other : Tok::Ident, t, b});
			continue;
		}
		out.push_back({Tok::Punct, std::string(1, c), i});
		i++;
	}
	return out;
}

struct Kernel {
	std::string name;
	bool shared = false;
};

struct Scan {
	std::vector<Kernel> kernels;
	std::string source; // with __shared__ in kernel bodies rewritten
	std::string error;
};

size_t line_of(const std::string &s, size_t pos) { return 1 + (size_t)std::count(s.begin(), s.begin() + (long)pos, '\n'); }

size_t match(const std::vector<Tok> &t, size_t i, char open, char close)
{
	int depth = 0;
	for (; i < t.size(); i++) {
		if (t[i].kind != Tok::Punct)
			continue;
		if (t[i].text[0] == open)
			depth++;
		else if (t[i].text[0] == close && --depth == 0)
			return i;
	}
	return t.size();
}

Scan scan(const std::string &src, const std::string &name)
{
	Scan r;
	std::vector<Tok> t = tokenize(src);
	struct Body {
		size_t b, e;
		size_t kernel;
	};
	std::vector<Body> bodies;
	std::vector<size_t> c_blocks; // brace depths of extern "C" { blocks
	int depth = 0;
	bool pending_c = false;
	auto kernel_index = [&r](const std::string &k) {
		for (size_t i = 0; i < r.kernels.size(); i++)
			if (r.kernels[i].name == k)
				return i;
		r.kernels.push_back({k, false});
		return r.kernels.size() - 1;
	};
	for (size_t i = 0; i < t.size(); i++) {
		const Tok &k = t[i];
		if (k.kind == Tok::Ident && k.text == "extern" && i + 1 < t.size() && t[i + 1].kind == Tok::Str && t[i + 1].text == "\"C\"") {
			if (i + 2 < t.size() && t[i + 2].text == "{") {
				depth++;
				c_blocks.push_back((size_t)depth);
				i += 2;
			} else {
				pending_c = true;
				i++;
			}
			continue;
		}
		if (k.kind == Tok::Punct) {
			if (k.text == "{") {
				depth++;
				pending_c = false;
			} else if (k.text == "}") {
				if (!c_blocks.empty() && c_blocks.back() == (size_t)depth)
					c_blocks.pop_back();
				depth--;
				pending_c = false;
			} else if (k.text == ";") {
				pending_c = false;
			}
			continue;
		}
		if (k.kind != Tok::Ident || k.text != "__global__")
			continue;
		bool c_linkage = pending_c || !c_blocks.empty();
		pending_c = false;
		size_t j = i + 1;
		std::string kname;
		while (j + 1 < t.size()) {
			if (t[j].kind == Tok::Ident && t[j + 1].text == "(") {
				const std::string &id = t[j].text;
				if (id == "__launch_bounds__" || id == "__attribute__" || id == "alignas" || id == "__align__" ||
					id == "__declspec" || id == "decltype") {
					j = match(t, j + 1, '(', ')') + 1;
					continue;
				}
				kname = id;
				break;
			}
			if (t[j].text == ";" || t[j].text == "{")
				break;
			j++;
		}
		if (kname.empty())
			continue;
		size_t close = match(t, j + 1, '(', ')');
		if (close + 1 >= t.size())
			continue;
		if (c_linkage)
			kernel_index(kname);
		if (t[close + 1].text == "{") {
			size_t end = match(t, close + 1, '{', '}');
			if (c_linkage && end < t.size())
				bodies.push_back({t[close + 1].pos, t[end].pos, kernel_index(kname)});
		}
	}
	/* __shared__ inside kernel K -> VGSK_SHARED_IN(K); dynamic shared memory
	 * (extern __shared__) is not modelled. */
	r.source.reserve(src.size() + 256);
	size_t copied = 0;
	for (size_t i = 0; i < t.size(); i++) {
		if (t[i].kind != Tok::Ident || t[i].text != "__shared__")
			continue;
		if (i > 0 && t[i - 1].text == "extern") {
			r.error = name + "(" + std::to_string(line_of(src, t[i].pos)) +
				"): error: dynamic shared memory (extern __shared__) is not supported by the vggo CPU stand-in\n";
			return r;
		}
		for (const Body &b : bodies)
			if (t[i].pos > b.b && t[i].pos < b.e) {
				r.kernels[b.kernel].shared = true;
				r.source.append(src, copied, t[i].pos - copied);
				r.source += "VGSK_SHARED_IN(" + r.kernels[b.kernel].name + ")";
				copied = t[i].pos + t[i].text.size();
				break;
			}
	}
	r.source.append(src, copied, std::string::npos);
	return r;
}

/* The generated part of the program: a trampoline and a table entry per
 * kernel, and the module getter. */
std::string kernel_table(const std::vector<Kernel> &ks, int arch)
{
	std::string s = "\n#line 1 \"vggo-standin-kernel-table\"\n";
	auto section = [&s](const std::string &sec) {
		s += "extern \"C\" char __start_" + sec + "[] __attribute__((weak, visibility(\"hidden\")));\n";
		s += "extern \"C\" char __stop_" + sec + "[] __attribute__((weak, visibility(\"hidden\")));\n";
	};
	section("vgsk_shared");
	for (size_t i = 0; i < ks.size(); i++) {
		const std::string &k = ks[i].name;
		if (ks[i].shared)
			section("vgsk_sh_" + k);
		s += "static void vgsk_entry_" + std::to_string(i) + "(void *const *p) { vgsk_params<decltype(&" + k +
			")>::entry(&" + k + ", p); }\n";
	}
	if (!ks.empty()) {
		s += "static const vgsk_kernel_info vgsk_kernels[] = {\n";
		for (size_t i = 0; i < ks.size(); i++) {
			const std::string &k = ks[i].name, P = "vgsk_params<decltype(&" + k + ")>";
			std::string b = ks[i].shared ? "__start_vgsk_sh_" + k : "nullptr", e = ks[i].shared ? "__stop_vgsk_sh_" + k : "nullptr";
			s += "\t{\"" + k + "\", vgsk_entry_" + std::to_string(i) + ", " + P + "::n, " + P + "::size, " + P + "::align, " + P +
				"::is_pointer, " + b + ", " + e + "},\n";
		}
		s += "};\n";
	}
	s += "extern \"C\" __attribute__((visibility(\"default\"))) const vgsk_module_info *vgsk_module(void)\n{\n";
	s += "\tstatic const vgsk_module_info m = {vgsk_abi_version, " + std::to_string(arch) + ", " + std::to_string(ks.size()) +
		", " + (ks.empty() ? "nullptr" : "vgsk_kernels") + ", __start_vgsk_shared, __stop_vgsk_shared, vgsk_set_block, vgsk_run_thread};\n";
	s += "\treturn &m;\n}\n";
	return s;
}

std::string ptx_text(const _nvrtcProgram &p, const std::vector<Kernel> &ks, int arch, const std::string &so)
{
	std::string s = "//\n// Generated by the vggo CPU stand-in for NVIDIA NVRTC " + std::to_string(vgsi::kNvrtcMajor) + "." +
		std::to_string(vgsi::kNvrtcMinor) + ": host code compiled by g++,\n// not real PTX. Program: " + p.name + "\n//\n\n";
	s += ".version " + std::to_string(vgsi::kPtxIsaMajor) + "." + std::to_string(vgsi::kPtxIsaMinor) + "\n";
	s += ".target sm_" + std::to_string(arch) + "\n.address_size 64\n\n";
	for (const Kernel &k : ks)
		s += "\t// .globl\t" + k.name + "\n.visible .entry " + k.name + "()\n{\n\ttrap;\n}\n\n";
	s += std::string(vgsi::kPtxBegin) + "\n";
	s += vgsi::base64_lines(reinterpret_cast<const unsigned char *>(so.data()), so.size());
	s += std::string(vgsi::kPtxEnd) + "\n";
	return s;
}

/* ---- running the compiler ---- */

bool write_file(const std::string &path, const std::string &data)
{
	FILE *f = fopen(path.c_str(), "wb");
	if (f == nullptr)
		return false;
	bool ok = fwrite(data.data(), 1, data.size(), f) == data.size();
	return fclose(f) == 0 && ok;
}

bool read_file(const std::string &path, std::string *out)
{
	FILE *f = fopen(path.c_str(), "rb");
	if (f == nullptr)
		return false;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		out->append(buf, n);
	fclose(f);
	return true;
}

void remove_tree(const std::string &dir)
{
	if (DIR *d = opendir(dir.c_str())) {
		while (struct dirent *e = readdir(d)) {
			std::string n = e->d_name;
			if (n == "." || n == "..")
				continue;
			std::string p = dir + "/" + n;
			struct stat st;
			if (lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(p);
			else
				unlink(p.c_str());
		}
		closedir(d);
	}
	rmdir(dir.c_str());
}

bool make_parents(const std::string &path)
{
	for (size_t i = 1; i < path.size(); i++)
		if (path[i] == '/') {
			std::string d = path.substr(0, i);
			if (mkdir(d.c_str(), 0700) != 0 && errno != EEXIST)
				return false;
		}
	return true;
}

/* Runs argv with stdout and stderr into log_path; the exit status, or -1
 * when it could not start (why in *err). */
int run(const std::vector<std::string> &argv, const std::string &log_path, std::string *err)
{
	std::vector<char *> av;
	for (const auto &a : argv)
		av.push_back(const_cast<char *>(a.c_str()));
	av.push_back(nullptr);
	/* The compiler's messages in plain ASCII English. */
	std::vector<std::string> env;
	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, "LC_ALL=", 7) != 0 && strncmp(*e, "LANGUAGE=", 9) != 0 && strncmp(*e, "GCC_COLORS=", 11) != 0)
			env.push_back(*e);
	env.push_back("LC_ALL=C");
	std::vector<char *> ev;
	for (auto &e : env)
		ev.push_back(const_cast<char *>(e.c_str()));
	ev.push_back(nullptr);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, av[0], &fa, nullptr, av.data(), ev.data());
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		*err = "cannot run " + argv[0] + ": " + strerror(rc) + " (set VGGO_STANDIN_CXX to a C++ compiler)";
		return -1;
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			*err = "waitpid failed: " + std::string(strerror(errno));
			return -1;
		}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

std::string quoted(const std::string &s)
{
	std::string q = "\"";
	for (char c : s) {
		if (c == '"' || c == '\\')
			q += '\\';
		q += c;
	}
	return q + "\"";
}

int compile(_nvrtcProgram *p, const Config &c)
{
	Scan sc = scan(p->src, p->name);
	if (!sc.error.empty()) {
		p->log = sc.error;
		return kCompilation;
	}
	const char *tmp = getenv("TMPDIR");
	std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/vggo-nvrtc-XXXXXX";
	if (mkdtemp(&dir[0]) == nullptr) {
		p->log = "nvrtc: error: cannot create a temporary directory: " + std::string(strerror(errno)) + "\n";
		return kInternal;
	}
	std::string prelude = std::string(vgsk_prelude_head) + vgsk_abi_text + "\n" + vgsk_prelude_body;
	std::string main = "#include \"vgsk_prelude.h\"\n#line 1 " + quoted(p->name) + "\n" + sc.source + "\n" +
		kernel_table(sc.kernels, c.arch);
	bool ok = write_file(dir + "/vgsk_prelude.h", prelude) && write_file(dir + "/main.cc", main) && mkdir((dir + "/inc").c_str(), 0700) == 0;
	for (const auto &h : p->headers)
		ok = ok && make_parents(dir + "/inc/" + h.first) && write_file(dir + "/inc/" + h.first, h.second);
	if (!ok) {
		remove_tree(dir);
		p->log = "nvrtc: error: cannot write the program to " + dir + "\n";
		return kInternal;
	}
	const char *cxx = getenv("VGGO_STANDIN_CXX");
	std::vector<std::string> argv = {cxx && *cxx ? cxx : "g++", "-std=" + c.std, "-O2", "-fPIC", "-shared",
		"-fvisibility=hidden", "-fno-gnu-unique", "-fno-fast-math", c.fmad ? "-ffp-contract=fast" : "-ffp-contract=off",
		"-pthread", "-fdiagnostics-color=never", "-Wl,-z,defs", "-D__CUDACC__", "-D__CUDACC_RTC__", "-D__VGGO_STANDIN__=1",
		"-D__CUDA_ARCH__=" + std::to_string(c.arch * 10), "-D__CUDACC_VER_MAJOR__=" + std::to_string(vgsi::kNvrtcMajor),
		"-D__CUDACC_VER_MINOR__=" + std::to_string(vgsi::kNvrtcMinor), "-I" + dir + "/inc"};
	if (c.no_warnings)
		argv.push_back("-w");
	argv.insert(argv.end(), c.cxx_args.begin(), c.cxx_args.end());
	argv.insert(argv.end(), {"-o", dir + "/module.so", dir + "/main.cc"});
	std::string err;
	int st = run(argv, dir + "/log.txt", &err);
	std::string log;
	read_file(dir + "/log.txt", &log);
	std::string so;
	bool have_so = st == 0 && read_file(dir + "/module.so", &so);
	remove_tree(dir);
	p->log = log;
	if (st < 0) {
		p->log += "nvrtc: error: " + err + "\n";
		return kInternal;
	}
	if (st != 0 || !have_so)
		return kCompilation;
	p->ptx = ptx_text(*p, sc.kernels, c.arch, so);
	p->ptx.push_back('\0');
	p->cubin.clear();
	if (!c.virt) {
		vgsi::ImageHeader h;
		memset(&h, 0, sizeof h);
		memcpy(h.magic, vgsi::kImageMagic, sizeof h.magic);
		h.version = vgsi::kImageVersion;
		h.arch = (uint32_t)c.arch;
		h.so_bytes = so.size();
		snprintf(h.producer, sizeof h.producer, "vggo CPU stand-in NVRTC %d.%d", vgsi::kNvrtcMajor, vgsi::kNvrtcMinor);
		p->cubin.assign(reinterpret_cast<const char *>(&h), sizeof h);
		p->cubin += so;
	}
	return kOk;
}

int blob_size(_nvrtcProgram *p, size_t *out, const std::string &(*pick)(const _nvrtcProgram &), bool needs_compile)
{
	if (!live(p))
		return kInvalidProgram;
	if (out == nullptr)
		return kInvalidInput;
	if (needs_compile && !p->compiled)
		return kInvalidProgram;
	*out = pick(*p).size();
	return kOk;
}

} // namespace

EXPORT const char *nvrtcGetErrorString(vgNvrtcResult result)
{
	static const char *const names[] = {"NVRTC_SUCCESS", "NVRTC_ERROR_OUT_OF_MEMORY", "NVRTC_ERROR_PROGRAM_CREATION_FAILURE",
		"NVRTC_ERROR_INVALID_INPUT", "NVRTC_ERROR_INVALID_PROGRAM", "NVRTC_ERROR_INVALID_OPTION", "NVRTC_ERROR_COMPILATION",
		"NVRTC_ERROR_BUILTIN_OPERATION_FAILURE", "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION",
		"NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION", "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID", "NVRTC_ERROR_INTERNAL_ERROR",
		"NVRTC_ERROR_TIME_FILE_WRITE_FAILED", "NVRTC_ERROR_NO_PCH_CREATE_ATTEMPTED", "NVRTC_ERROR_PCH_CREATE_HEAP_EXHAUSTED",
		"NVRTC_ERROR_PCH_CREATE", "NVRTC_ERROR_CANCELLED", "NVRTC_ERROR_TIME_TRACE_FILE_WRITE_FAILED", "NVRTC_ERROR_BUSY"};
	if (result < 0 || result >= (int)(sizeof names / sizeof names[0]))
		return "NVRTC_ERROR unknown"; // nvrtc.h nvrtcGetErrorString
	return names[result];
}
CHECK_PROTO(nvrtcGetErrorString);

EXPORT vgNvrtcResult nvrtcVersion(int *major, int *minor)
{
	if (major == nullptr || minor == nullptr)
		return kInvalidInput;
	*major = vgsi::kNvrtcMajor;
	*minor = vgsi::kNvrtcMinor;
	return kOk;
}
CHECK_PROTO(nvrtcVersion);

EXPORT vgNvrtcResult nvrtcGetNumSupportedArchs(int *numArchs)
{
	if (numArchs == nullptr)
		return kInvalidInput;
	*numArchs = (int)(sizeof kArchs / sizeof kArchs[0]);
	return kOk;
}
CHECK_PROTO(nvrtcGetNumSupportedArchs);

EXPORT vgNvrtcResult nvrtcGetSupportedArchs(int *supportedArchs)
{
	if (supportedArchs == nullptr)
		return kInvalidInput;
	memcpy(supportedArchs, kArchs, sizeof kArchs);
	return kOk;
}
CHECK_PROTO(nvrtcGetSupportedArchs);

EXPORT vgNvrtcResult nvrtcCreateProgram(vgNvrtcProgram *prog, const char *src, const char *name, int numHeaders,
	const char *const *headers, const char *const *includeNames)
{
	if (prog == nullptr || src == nullptr || numHeaders < 0 ||
		(numHeaders > 0 && (headers == nullptr || includeNames == nullptr)))
		return kInvalidInput;
	auto *p = new _nvrtcProgram;
	p->src = src;
	/* nvrtc.h nvrtcCreateProgram: "If NULL, default_program is used". */
	p->name = name ? name : "default_program";
	for (int i = 0; i < numHeaders; i++) {
		std::string n = includeNames[i] ? includeNames[i] : "";
		if (headers[i] == nullptr || n.empty() || n[0] == '/' || n.find("..") != std::string::npos) {
			delete p;
			return kInvalidInput;
		}
		p->headers.emplace_back(n, headers[i]);
	}
	std::lock_guard<std::mutex> g(registry().mu);
	registry().live.insert(p);
	*prog = p;
	return kOk;
}
CHECK_PROTO(nvrtcCreateProgram);

EXPORT vgNvrtcResult nvrtcCompileProgram(vgNvrtcProgram prog, int numOptions, const char *const *options)
{
	if (!live(prog))
		return kInvalidProgram;
	if (numOptions < 0 || (numOptions > 0 && options == nullptr))
		return kInvalidInput;
	Config c;
	prog->compiled = false;
	prog->ptx.clear();
	prog->cubin.clear();
	prog->log.clear();
	if (int r = parse_options(numOptions, options, &c, &prog->log))
		return r;
	int r = compile(prog, c);
	prog->compiled = r == kOk;
	return r;
}
CHECK_PROTO(nvrtcCompileProgram);

EXPORT vgNvrtcResult nvrtcGetProgramLogSize(vgNvrtcProgram prog, size_t *logSizeRet)
{
	if (!live(prog))
		return kInvalidProgram;
	if (logSizeRet == nullptr)
		return kInvalidInput;
	/* nvrtc.h: the size of the log "including the trailing NULL". */
	*logSizeRet = prog->log.size() + 1;
	return kOk;
}
CHECK_PROTO(nvrtcGetProgramLogSize);

EXPORT vgNvrtcResult nvrtcGetProgramLog(vgNvrtcProgram prog, char *log)
{
	if (!live(prog))
		return kInvalidProgram;
	if (log == nullptr)
		return kInvalidInput;
	memcpy(log, prog->log.c_str(), prog->log.size() + 1);
	return kOk;
}
CHECK_PROTO(nvrtcGetProgramLog);

EXPORT vgNvrtcResult nvrtcGetPTXSize(vgNvrtcProgram prog, size_t *ptxSizeRet)
{
	return blob_size(prog, ptxSizeRet, [](const _nvrtcProgram &p) -> const std::string & { return p.ptx; }, true);
}
CHECK_PROTO(nvrtcGetPTXSize);

EXPORT vgNvrtcResult nvrtcGetPTX(vgNvrtcProgram prog, char *ptx)
{
	if (!live(prog))
		return kInvalidProgram;
	if (ptx == nullptr)
		return kInvalidInput;
	if (!prog->compiled)
		return kInvalidProgram;
	memcpy(ptx, prog->ptx.data(), prog->ptx.size());
	return kOk;
}
CHECK_PROTO(nvrtcGetPTX);

EXPORT vgNvrtcResult nvrtcGetCUBINSize(vgNvrtcProgram prog, size_t *cubinSizeRet)
{
	/* nvrtc.h: "cubinSizeRet is set to 0 if the value specified to -arch
	 * is a virtual architecture". */
	return blob_size(prog, cubinSizeRet, [](const _nvrtcProgram &p) -> const std::string & { return p.cubin; }, true);
}
CHECK_PROTO(nvrtcGetCUBINSize);

EXPORT vgNvrtcResult nvrtcGetCUBIN(vgNvrtcProgram prog, char *cubin)
{
	if (!live(prog))
		return kInvalidProgram;
	if (cubin == nullptr)
		return kInvalidInput;
	if (!prog->compiled)
		return kInvalidProgram;
	memcpy(cubin, prog->cubin.data(), prog->cubin.size());
	return kOk;
}
CHECK_PROTO(nvrtcGetCUBIN);

EXPORT vgNvrtcResult nvrtcDestroyProgram(vgNvrtcProgram *prog)
{
	if (prog == nullptr)
		return kInvalidProgram;
	{
		std::lock_guard<std::mutex> g(registry().mu);
		if (registry().live.erase(*prog) == 0)
			return kInvalidProgram;
	}
	delete *prog;
	*prog = nullptr;
	return kOk;
}
CHECK_PROTO(nvrtcDestroyProgram);
