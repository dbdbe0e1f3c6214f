using TextAttention.NativeFix;
using TorchSharp;

namespace TextAttention.Tests.Platform;

public sealed class TorchSharpNativeFixTests
{
    private static string SystemLibstdcxx =>
        new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .First(File.Exists);

    [Fact]
    public void The_fix_is_needed_exactly_when_readelf_finds_no_GLIBCXX_3_4_32_in_the_system_libstdcxx()
    {
        var definitions = ElfFixture.ReadElfVersions(SystemLibstdcxx);
        var systemHasIt = definitions.Contains("Name: GLIBCXX_3.4.32", StringComparison.Ordinal);

        Assert.Equal(!systemHasIt, TorchSharpNativeFix.IsNeeded());
    }

    [Fact]
    public void The_build_left_a_loadable_native_library_in_the_test_output()
    {
        var copies = TorchSharpNativeFix.CopiesNear(typeof(torch).Assembly.Location, AppContext.BaseDirectory);
        Assert.NotEmpty(copies);
        foreach (var copy in copies)
        {
            // Reading every requirement also checks each vna_hash the linker wrote against our ElfHash.
            var requirement = ElfVersionRequirement.ReadRequirements(copy)
                .Single(r => r.Library == TorchSharpNativeFix.Library && r.Version == TorchSharpNativeFix.Version);
            if (TorchSharpNativeFix.IsNeeded())
            {
                Assert.True(requirement.IsWeak, $"{copy} still requires {TorchSharpNativeFix.Version} strongly: the build step did not run");
            }
        }
    }

    [Fact]
    public void TorchSharp_computes_in_the_test_process()
    {
        // (2x2) @ (2x1) by hand: [1 2; 3 4] @ [1; 1] = [3; 7].
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var x = torch.ones(2, 1);
        using var y = torch.matmul(a, x);

        Assert.Equal([3f, 7f], y.data<float>().ToArray());
    }

    [Fact]
    public void Applying_the_fix_to_a_file_that_is_not_elf_names_it_and_leaves_it_alone()
    {
        if (!TorchSharpNativeFix.IsNeeded())
        {
            return; // Nothing is read where the system libstdc++ is new enough.
        }

        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-notelf-").FullName, TorchSharpNativeFix.NativeFileName);
        File.WriteAllText(path, "partial download");

        var error = Assert.Throws<ElfFormatException>(() => TorchSharpNativeFix.Apply([path]));

        Assert.Contains(path, error.Message);
        Assert.Equal("partial download", File.ReadAllText(path));
    }
}
