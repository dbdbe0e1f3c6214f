using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using TextAttention.Cli.Reproduce;

namespace TextAttention.Tests.Notebooks;

/// <summary>Notebooks pin the same package versions as Directory.Packages.props, and share one setup.</summary>
public sealed partial class NotebookPinTests
{
    public static TheoryData<string> NotebookFiles() =>
        [.. Directory.GetFiles(Repository.Path("notebooks"), "*.ipynb").Select(p => Path.GetFileName(p)).Order()];

    [Fact]
    public void Every_nuget_reference_in_the_notebooks_pins_the_central_version()
    {
        var central = XDocument.Load(Repository.Path("Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);

        var references = SourcesOfAllNotebooks()
            .SelectMany(source => NuGetReference().Matches(source.Code).Select(m => (source.File, Name: m.Groups["name"].Value.Trim(), Version: m.Groups["version"].Value.Trim())))
            .ToList();

        Assert.Contains(references, r => r.Name == "TorchSharp-cpu");   // the test reads real pins, not nothing
        Assert.All(references, r =>
        {
            Assert.True(r.Version.Length > 0, $"{r.File}: #r \"nuget: {r.Name}\" has no version; pin the one in Directory.Packages.props");
            Assert.True(central.TryGetValue(r.Name, out var pinned), $"{r.File}: {r.Name} is not in Directory.Packages.props");
            Assert.True(pinned == r.Version, $"{r.File}: {r.Name} {r.Version}, but Directory.Packages.props pins {pinned}");
        });
    }

    [Theory]
    [MemberData(nameof(NotebookFiles))]
    public void Every_notebook_starts_with_the_shared_setup(string notebook)
    {
        var document = Notebook.Parse(File.ReadAllText(Repository.Path("notebooks", notebook)), NotebookRunner.KernelInfos());

        var firstCode = document.Elements.First(e => e.KernelName != "markdown");

        Assert.Equal("#!import setup.dib", firstCode.Contents.Trim());
    }

    private static IEnumerable<(string File, string Code)> SourcesOfAllNotebooks()
    {
        foreach (var path in Directory.GetFiles(Repository.Path("notebooks"), "*.ipynb"))
        {
            foreach (var cell in Notebook.Parse(File.ReadAllText(path), NotebookRunner.KernelInfos()).Elements)
            {
                yield return (Path.GetFileName(path), cell.Contents);
            }
        }

        foreach (var path in Directory.GetFiles(Repository.Path("notebooks"), "*.dib"))
        {
            foreach (var cell in CodeSubmission.Parse(File.ReadAllText(path), NotebookRunner.KernelInfos()).Elements)
            {
                yield return (Path.GetFileName(path), cell.Contents);
            }
        }
    }

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*(?<name>[^,"]+)(,\s*(?<version>[^"]*))?"\s*$""", RegexOptions.Multiline)]
    private static partial Regex NuGetReference();
}
