using System.Text.Json.Nodes;
using TextAttention.Cli.Reproduce;

namespace TextAttention.Tests.Notebooks;

/// <summary>The runner's summary lists what each notebook said it skipped, read back from its outputs.</summary>
public sealed class SkippedTests
{
    private static JsonObject Cell(params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = 1,
        ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
        ["source"] = new JsonArray("Console.WriteLine(...);"),
        ["outputs"] = new JsonArray(outputs),
    };

    private static JsonObject Stream(string text) => new() { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = new JsonArray(text) };

    [Fact]
    public void Skip_lines_are_collected_from_text_outputs_once_each_in_order()
    {
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(
                Cell(Stream("profile ci\nskipped: agnews: Downloading is switched off; put its files in the data folder's agnews/\n")),
                Cell(Stream("3 corpora\n"), Stream("skipped: thucnews: no network\nskipped: agnews: Downloading is switched off; put its files in the data folder's agnews/\n")),
                Cell(Stream("not skipped: this line does not start with the prefix\n"))),
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp", ["language"] = "C#" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-skipped-").FullName, "executed.ipynb");
        File.WriteAllText(path, notebook.ToJsonString());

        var skipped = NotebookRunner.ReadSkipped(path);

        Assert.Equal(["agnews: Downloading is switched off; put its files in the data folder's agnews/", "thucnews: no network"], skipped);
    }

    [Fact]
    public void Timings_round_trip_with_a_total_row()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-timings-").FullName, "timings-ci.csv");
        var runs = new[]
        {
            new NotebookRun("/x/00-quickstart.ipynb", "", "", 0, false, TimeSpan.FromSeconds(5.04), [], []),
            new NotebookRun("/x/01-a.ipynb", "", "", 2, false, TimeSpan.FromSeconds(7.26), [], []),
        };

        NotebookTimings.Save(path, runs, TimeSpan.FromSeconds(20));

        Assert.Equal([new TimingRow("00-quickstart.ipynb", true, 5.0), new TimingRow("01-a.ipynb", false, 7.3), new TimingRow("total", false, 20.0)], NotebookTimings.Read(path));
    }
}
