using System.Runtime.InteropServices;

namespace TextAttention.Tests.Platform;

/// <summary>
/// Builds, with the machine's gcc, the smallest reproduction of TorchSharp's problem:
/// <c>libtauser.so</c> requires version <c>TADEP_2.0</c> of <c>libtadep.so</c> through a bare
/// <c>.globl</c> reference that no relocation uses (as GCC 13's iostream does with GLIBCXX_3.4.32),
/// and the <c>libtadep.so</c> beside it defines only <c>TADEP_1.0</c>, so the loader refuses it.
/// Each test gets fresh copies in its own folder.
/// </summary>
public sealed class ElfFixture : IDisposable
{
    private readonly string _built;

    public ElfFixture()
    {
        _built = Directory.CreateTempSubdirectory("textattention-elf-").FullName;
        var newer = Directory.CreateDirectory(Path.Combine(_built, "newer")).FullName;
        Write("dep.c", "void tadep_init(void) {}\nint tadep_value(void) { return 7; }\n");
        Write("dep2.map", "TADEP_1.0 { global: tadep_value; local: *; };\nTADEP_2.0 { global: tadep_init; } TADEP_1.0;\n");
        Write("dep1.map", "TADEP_1.0 { global: tadep_value; local: *; };\n");
        Write("user.c", "__asm__(\".globl tadep_init\");\nint tadep_value(void);\nint tauser_value(void) { return tadep_value(); }\n");

        Gcc("-shared", "-fPIC", "-Wl,--version-script=dep2.map", "-Wl,-soname,libtadep.so", "dep.c", "-o", Path.Combine(newer, "libtadep.so"));
        Gcc("-shared", "-fPIC", "user.c", "-L" + newer, "-ltadep", "-Wl,-rpath,$ORIGIN", "-o", "libtauser.so");
        Gcc("-shared", "-fPIC", "-Wl,--version-script=dep1.map", "-Wl,-soname,libtadep.so", "dep.c", "-o", "libtadep.so");
    }

    /// <summary>A new folder holding libtauser.so and the older libtadep.so.</summary>
    public string FreshCopy()
    {
        var folder = Directory.CreateTempSubdirectory("textattention-elf-copy-").FullName;
        File.Copy(Path.Combine(_built, "libtauser.so"), Path.Combine(folder, "libtauser.so"));
        File.Copy(Path.Combine(_built, "libtadep.so"), Path.Combine(folder, "libtadep.so"));
        return folder;
    }

    /// <summary>The older dependency, which defines TADEP_1.0 only.</summary>
    public string Dependency => Path.Combine(_built, "libtadep.so");

    /// <summary>What <c>readelf -V</c>, not our parser, says about a file's versions.</summary>
    public static string ReadElfVersions(string path)
    {
        var (exitCode, output) = Repository.Run("readelf", Path.GetDirectoryName(path)!, "-V", path);
        Assert.True(exitCode == 0, output);
        return output;
    }

    public void Dispose() => Directory.Delete(_built, recursive: true);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_built, name), text);

    private void Gcc(params string[] arguments)
    {
        Assert.True(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "these tests build ELF files with gcc on Linux");
        var (exitCode, output) = Repository.Run("gcc", _built, arguments);
        Assert.True(exitCode == 0, $"gcc {string.Join(' ', arguments)} failed:\n{output}");
    }
}
