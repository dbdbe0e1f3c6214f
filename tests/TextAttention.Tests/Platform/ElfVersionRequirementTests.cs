using System.Runtime.InteropServices;
using TextAttention.NativeFix;

namespace TextAttention.Tests.Platform;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ElfVersionRequirementTests(ElfFixture elf) : IClassFixture<ElfFixture>
{
    [Fact]
    public void The_loader_refuses_the_library_before_the_patch_and_loads_it_after()
    {
        var folder = elf.FreshCopy();
        var user = Path.Combine(folder, "libtauser.so");

        Assert.False(NativeLibrary.TryLoad(user, out _), "glibc should refuse a library whose required version is missing");

        Assert.Equal(WeakVersionOutcome.Patched, ElfVersionRequirement.MarkWeak(user, "libtadep.so", "TADEP_2.0"));

        var handle = NativeLibrary.Load(user);
        try
        {
            // The symbol that needs only TADEP_1.0 still binds and runs.
            var value = Marshal.GetDelegateForFunctionPointer<IntFunction>(NativeLibrary.GetExport(handle, "tauser_value"));
            Assert.Equal(7, value());
        }
        finally
        {
            NativeLibrary.Free(handle);
        }
    }

    [Fact]
    public void The_patch_sets_the_weak_bit_of_one_requirement_and_changes_nothing_else()
    {
        var user = Path.Combine(elf.FreshCopy(), "libtauser.so");
        var before = File.ReadAllBytes(user);
        var modeBefore = File.GetUnixFileMode(user);

        ElfVersionRequirement.MarkWeak(user, "libtadep.so", "TADEP_2.0");

        var after = File.ReadAllBytes(user);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        var position = Assert.Single(changed);
        Assert.Equal(ElfVersionRequirement.VerFlagWeak, after[position] ^ before[position]);
        Assert.Equal(modeBefore, File.GetUnixFileMode(user));

        // readelf, independently of our parser, sees exactly that.
        var versions = ElfFixture.ReadElfVersions(user);
        Assert.Matches(@"Name: TADEP_2\.0\s+Flags: WEAK", versions);
        Assert.Matches(@"Name: TADEP_1\.0\s+Flags: none", versions);
    }

    [Fact]
    public void Patching_again_changes_nothing_and_leaves_no_temporary_file()
    {
        var folder = elf.FreshCopy();
        var user = Path.Combine(folder, "libtauser.so");
        ElfVersionRequirement.MarkWeak(user, "libtadep.so", "TADEP_2.0");
        var once = File.ReadAllBytes(user);
        var written = File.GetLastWriteTimeUtc(user);

        Assert.Equal(WeakVersionOutcome.AlreadyWeak, ElfVersionRequirement.MarkWeak(user, "libtadep.so", "TADEP_2.0"));

        Assert.Equal(once, File.ReadAllBytes(user));
        Assert.Equal(written, File.GetLastWriteTimeUtc(user));
        Assert.Equal(["libtadep.so", "libtauser.so"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_version_the_file_does_not_require_is_left_alone()
    {
        var user = Path.Combine(elf.FreshCopy(), "libtauser.so");
        var before = File.ReadAllBytes(user);

        Assert.Equal(WeakVersionOutcome.NotRequired, ElfVersionRequirement.MarkWeak(user, "libstdc++.so.6", "GLIBCXX_3.4.32"));
        Assert.Equal(WeakVersionOutcome.NotRequired, ElfVersionRequirement.MarkWeak(user, "libother.so", "TADEP_2.0"));

        Assert.Equal(before, File.ReadAllBytes(user));
    }

    [Fact]
    public void Requirements_are_read_as_readelf_lists_them()
    {
        var user = Path.Combine(elf.FreshCopy(), "libtauser.so");

        var requirements = ElfVersionRequirement.ReadRequirements(user)
            .Where(r => r.Library == "libtadep.so")
            .Select(r => (r.Version, r.IsWeak))
            .Order()
            .ToList();

        Assert.Equal([("TADEP_1.0", false), ("TADEP_2.0", false)], requirements);
    }

    [Theory]
    [InlineData(10, "shorter than an ELF header")]
    [InlineData(2000, "outside the file")]
    public void A_truncated_file_is_refused_and_left_unchanged(int keep, string problem)
    {
        var user = Path.Combine(elf.FreshCopy(), "libtauser.so");
        var truncated = File.ReadAllBytes(user)[..keep];
        File.WriteAllBytes(user, truncated);

        var error = Assert.Throws<ElfFormatException>(() => ElfVersionRequirement.MarkWeak(user, "libtadep.so", "TADEP_2.0"));

        Assert.Contains(user, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Equal(truncated, File.ReadAllBytes(user));
    }

    [Fact]
    public void A_file_that_is_not_elf_is_refused()
    {
        var path = Path.Combine(elf.FreshCopy(), "libLibTorchSharp.so");
        File.WriteAllText(path, "<html>404 Not Found</html>\n" + new string(' ', 100));

        var error = Assert.Throws<ElfFormatException>(() => ElfVersionRequirement.MarkWeak(path, "libstdc++.so.6", "GLIBCXX_3.4.32"));

        Assert.Equal(path, error.FilePath);
        Assert.Equal("no ELF magic number", error.Problem);
    }

    [Fact]
    public void A_requirement_whose_hash_does_not_match_its_name_is_refused()
    {
        var user = Path.Combine(elf.FreshCopy(), "libtauser.so");
        var requirement = ElfVersionRequirement.ReadRequirements(user).Single(r => r.Version == "TADEP_2.0");
        var bytes = File.ReadAllBytes(user);
        bytes[requirement.FlagsOffset - 4] ^= 0x01;   // vna_hash sits just before vna_flags
        File.WriteAllBytes(user, bytes);

        var error = Assert.Throws<ElfFormatException>(() => ElfVersionRequirement.MarkWeak(user, "libtadep.so", "TADEP_2.0"));

        Assert.Contains("hash", error.Problem);
        Assert.Equal(bytes, File.ReadAllBytes(user));
    }

    [Fact]
    public void Defined_versions_are_read_from_the_version_definitions()
    {
        Assert.True(ElfVersionRequirement.DefinesVersion(elf.Dependency, "TADEP_1.0"));
        Assert.False(ElfVersionRequirement.DefinesVersion(elf.Dependency, "TADEP_2.0"));
    }

    [Theory]
    [InlineData("", 0x0u)]
    [InlineData("a", 0x61u)]
    [InlineData("ab", 0x672u)]         // (0x61 << 4) + 0x62
    [InlineData("abc", 0x6783u)]       // (0x672 << 4) + 0x63
    public void The_elf_hash_matches_hand_computed_values(string name, uint expected) =>
        Assert.Equal(expected, ElfVersionRequirement.ElfHash(name));

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int IntFunction();
}
