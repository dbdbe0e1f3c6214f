using System.Text.Json.Nodes;

namespace TextAttention.Tests.Notebooks;

/// <summary>
/// The README promises that the notebooks open in Jupyter with the <c>.net-csharp</c> kernel. This runs the route a
/// new user takes: the kernel installed from the repository's tool manifest (into a temporary folder rather than the
/// user's), Debian's <c>jupyter nbconvert --execute</c> in <c>notebooks/</c>, the <c>ci</c> profile. nbconvert fails on
/// any cell error; the test also fails on compiler warnings in the outputs, which Jupyter shows and the headless runner hides.
/// </summary>
[Collection("notebooks")]
public sealed class JupyterRouteTests(PreparedRunner runner)
{
    // Jupyter prints CS1701 under cells that bind TorchSharp (built for .NET 8's System.Runtime.Numerics); no pragma can
    // silence it in a notebook (dotnet/interactive#762, dotnet/roslyn#5501), and setup.dib says so. Any other warning fails.
    private const string Unavoidable = "CS1701";

    public static TheoryData<string> TutorialNotebooks() =>
        [.. Directory.GetFiles(Repository.Path("notebooks"), "*.ipynb").Select(p => Path.GetFileName(p)).Where(n => string.CompareOrdinal(n, "04") < 0).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(TutorialNotebooks))]
    public void The_notebook_runs_in_Jupyter_with_the_dotnet_kernel_without_errors_or_warnings(string notebook)
    {
        if (Which("jupyter-nbconvert") is null)
        {
            // .ci/run installs Debian's jupyter-nbconvert and jupyter-client; elsewhere: apt-get install jupyter-nbconvert jupyter-client.
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must have jupyter-nbconvert for the Jupyter route");
            return;
        }

        Assert.True(Directory.Exists(runner.OutputDirectory));   // the fixture has restored the tools and built the library
        var jupyter = Directory.CreateTempSubdirectory("textattention-jupyter-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(jupyter, "kernels"));   // the installer wants the folder to exist
            var install = Repository.Run("dotnet", Repository.Root, "tool", "run", "dotnet-interactive", "--", "jupyter", "install", "--path", Path.Combine(jupyter, "kernels"));
            Assert.True(install.ExitCode == 0, install.Output);

            var environment = new Dictionary<string, string>
            {
                ["JUPYTER_PATH"] = jupyter,
                ["JUPYTER_DATA_DIR"] = Path.Combine(jupyter, "data"),
                ["TEXTATTENTION_PROFILE"] = "ci",
                ["TEXTATTENTION_SKIP_BUILD"] = "1",   // the runner fixture has built the library
            };
            var output = Path.Combine(jupyter, "out");
            var run = Repository.Run("jupyter", Repository.Path("notebooks"), environment,
                "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=900", "--output-dir", output, notebook);
            Assert.True(run.ExitCode == 0, $"{notebook} failed in Jupyter:\n{run.Output}");

            var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(output, notebook)))!["cells"]!.AsArray()
                .Where(c => (string?)c!["cell_type"] == "code").ToList();
            var problems = new List<string>();
            for (var i = 0; i < cells.Count; i++)
            {
                foreach (var text in (cells[i]!["outputs"]?.AsArray() ?? []).Select(o => o!.ToJsonString()))
                {
                    if (text.Contains("\"output_type\":\"error\"", StringComparison.Ordinal))
                    {
                        problems.Add($"code cell {i + 1}: an error output");
                    }

                    foreach (var warning in System.Text.RegularExpressions.Regex.Matches(text, @"warning (CS\d+)").Select(m => m.Groups[1].Value).Distinct())
                    {
                        if (warning != Unavoidable || i == 0)
                        {
                            problems.Add($"code cell {i + 1}: compiler warning {warning}");
                        }
                    }
                }
            }

            Assert.True(problems.Count == 0, $"{notebook} in Jupyter: {string.Join("; ", problems)}");
        }
        finally
        {
            Directory.Delete(jupyter, recursive: true);
        }
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
