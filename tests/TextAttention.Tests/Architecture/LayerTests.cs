using System.Text.RegularExpressions;
using TextAttention.Text;

namespace TextAttention.Tests.Architecture;

/// <summary>
/// The library's layers: a core that knows only its subject (no console, no repository, no browser, no
/// notebook kernel, no command line), with folders that depend on each other without cycles; notebook
/// support and the command line sit on top.
/// </summary>
public sealed partial class LayerTests
{
    private static readonly string Core = Repository.Path("lib", "TextAttention");

    [Fact]
    public void The_core_assembly_references_no_browser_kernel_console_or_upper_layer()
    {
        string[] forbidden =
        [
            "PuppeteerSharp", "Plotly.NET.ImageExport", "Microsoft.DotNet.Interactive", "Microsoft.DotNet.Interactive.Documents",
            "Spectre.Console", "System.CommandLine", "TextAttention.Notebooks", "TextAttention.Cli", "TextAttention.NativeFix", "TextAttention.Workers",
        ];
        var references = typeof(Vocabulary).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var project = File.ReadAllText(Path.Combine(Core, "TextAttention.csproj"));

        Assert.Empty(references.Intersect(forbidden));
        Assert.All(forbidden, name => Assert.DoesNotContain($"\"{name}\"", project));
        Assert.Contains("TorchSharp", references);   // the check sees real references
    }

    [Fact]
    public void The_core_sources_write_nothing_to_the_console_read_no_repository_or_environment_and_start_no_process()
    {
        var offenders = CoreSources()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Core, f), Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Where(l => l.Text.Contains("Console.", StringComparison.Ordinal) || l.Text.Contains("Notebooks.sln", StringComparison.Ordinal)
                        || l.Text.Contains("GetEnvironmentVariable", StringComparison.Ordinal)
                        || l.Text.Contains("Process.Start", StringComparison.Ordinal) || l.Text.Contains("ProcessStartInfo", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, string.Join('\n', offenders));
    }

    /// <summary>The documented order, lowest first: a project may reference only projects below it.</summary>
    private static readonly string[] ProjectOrder =
        ["TextAttention.NativeFix", "TextAttention", "TextAttention.Workers", "TextAttention.Notebooks", "TextAttention.Cli"];

    [Fact]
    public void Each_library_project_references_only_the_layers_below_it()
    {
        var projects = Directory.GetDirectories(Repository.Path("lib")).Select(Path.GetFileName).Where(n => File.Exists(Repository.Path("lib", n!, n + ".csproj"))).ToList();
        Assert.Equal(ProjectOrder.Order(StringComparer.Ordinal), projects.Order(StringComparer.Ordinal));   // a new project joins the order first

        var offenders = new List<string>();
        foreach (var project in ProjectOrder)
        {
            var text = File.ReadAllText(Repository.Path("lib", project, project + ".csproj"));
            foreach (Match match in ProjectReference().Matches(text))
            {
                var target = match.Groups[1].Value;
                if (Array.IndexOf(ProjectOrder, target) >= Array.IndexOf(ProjectOrder, project))
                {
                    offenders.Add($"{project} → {target}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "references to a layer above or beside: " + string.Join(", ", offenders));
        Assert.Matches(ProjectReference(), File.ReadAllText(Repository.Path("lib", "TextAttention.Cli", "TextAttention.Cli.csproj")));   // the check sees real references
    }

    [Fact]
    public void The_core_folders_depend_on_each_other_without_cycles()
    {
        var graph = FolderGraph();
        Assert.True(graph.Count >= 8, $"expected the core's folders, found {string.Join(", ", graph.Keys)}");

        var cycle = FindCycle(graph);

        Assert.True(cycle is null, $"a cycle between core folders: {string.Join(" → ", cycle ?? [])}");
    }

    /// <summary>The core's folders, lowest first, as docs/library.md documents them: a folder uses only folders before it.</summary>
    private static readonly string[] FolderOrder = ["IO", "Text", "Data", "Attention", "Models", "Training", "Inference", "Experiments", "Explanation", "Plotting"];

    [Fact]
    public void The_core_folders_use_only_the_folders_below_them_in_the_documented_order()
    {
        var graph = FolderGraph();
        Assert.Equal(FolderOrder.Order(StringComparer.Ordinal), graph.Keys.Order(StringComparer.Ordinal));   // a new folder joins the order first

        var upward = graph.SelectMany(f => f.Value.Where(to => Array.IndexOf(FolderOrder, to) >= Array.IndexOf(FolderOrder, f.Key)).Select(to => $"{f.Key} → {to}")).ToList();

        Assert.True(upward.Count == 0, "folders that use a folder above them: " + string.Join(", ", upward));
        Assert.Contains("Models", graph["Inference"]);   // the check sees real references
        Assert.Contains(string.Join(" → ", FolderOrder), File.ReadAllText(Repository.Path("docs", "library.md")));
    }

    [Fact]
    public void The_cycle_check_finds_a_cycle_when_there_is_one()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["Data"] = ["Text", "IO"], ["Text"] = ["Data"], ["IO"] = [],
        };

        Assert.Equal(["Data", "Text", "Data"], FindCycle(graph));
    }

    /// <summary>Folder → the other core folders its files name, by <c>using</c> or by a qualified <c>TextAttention.X.</c> name.</summary>
    private static Dictionary<string, HashSet<string>> FolderGraph()
    {
        var folders = Directory.GetDirectories(Core).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).Select(n => n!).ToHashSet();
        var graph = folders.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (var file in CoreSources())
        {
            var folder = Path.GetRelativePath(Core, file).Split(Path.DirectorySeparatorChar)[0];
            foreach (Match match in Reference().Matches(File.ReadAllText(file)))
            {
                var target = match.Groups[1].Value;
                if (target != folder && folders.Contains(target))
                {
                    graph[folder].Add(target);
                }
            }
        }

        return graph;
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>();   // 1 = on the current path, 2 = done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph[node].Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path.Skip(path.IndexOf(next)), next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        return graph.Keys.Order(StringComparer.Ordinal).Where(n => state.GetValueOrDefault(n) == 0).Select(Visit).FirstOrDefault(c => c is not null);
    }

    private static IEnumerable<string> CoreSources() =>
        Directory.GetFiles(Core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    [GeneratedRegex(@"ProjectReference Include=""[^""]*?([A-Za-z.]+)\.csproj""")]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"\bTextAttention\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex Reference();
}
