using System.Text.Json.Nodes;
using TextAttention.Cli.Reproduce;

namespace TextAttention.Tests.Notebooks;

public sealed class NotebookOutputsTests
{
    private const string Source = """
        {"cells": [
          {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
          {"cell_type": "code", "execution_count": null, "metadata": {"polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": ["Show(chart)"]}
         ],
         "metadata": {"kernelspec": {"name": ".net-csharp"}}, "nbformat": 4, "nbformat_minor": 4}
        """;

    private const string Executed = """
        {"cells": [
          {"cell_type": "markdown", "metadata": {"dotnet_repl_cellExecutionStartTime": "2026-11-24T23:34:29"}, "source": ["# Title"]},
          {"cell_type": "code", "execution_count": 3, "metadata": {"dotnet_repl_cellExecutionStartTime": "2026-11-24T23:34:29"}, "source": ["Show(chart)"], "outputs": [
            {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<div><strong>Installing Packages</strong></div>"]}},
            {"output_type": "display_data", "metadata": {}, "data": {"text/plain": ["Loading extensions from `/root/.nuget/packages/x.dll`"]}},
            {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<div id=\"fe0933e4-45d7-470c-ab04-4c68ddd19dd4\"></div><script>var renderPlotly_fe0933e445d7470cab044c68ddd19dd4 = 1;</script>"]}},
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}},
            {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<div class=\"dni-plaintext\"><pre>&lt;null&gt;</pre></div><style>td {}</style>"]}}
          ]}
         ],
         "metadata": {"language_info": {"name": "C#"}}, "nbformat": 4, "nbformat_minor": 4}
        """;

    [Fact]
    public void Merging_keeps_the_source_and_takes_only_cleaned_outputs()
    {
        var merged = JsonNode.Parse(NotebookOutputs.Merge(Source, Executed))!;

        Assert.Equal(".net-csharp", (string?)merged["metadata"]!["kernelspec"]!["name"]);
        Assert.Null(merged["metadata"]!["language_info"]);
        var code = merged["cells"]![1]!;
        Assert.Equal(3, (int?)code["execution_count"]);
        Assert.Equal("""{"polyglot_notebook":{"kernelName":"csharp"}}""", code["metadata"]!.ToJsonString());
        var outputs = code["outputs"]!.AsArray();
        Assert.Equal(2, outputs.Count);   // the install progress, the extension path and the null display are gone
        Assert.Equal("""<div id="chart0001"></div><script>var renderPlotly_chart0001 = 1;</script>""", (string?)outputs[0]!["data"]!["text/html"]);
        Assert.Equal("iVBORw0KGgo=", (string?)outputs[1]!["data"]!["image/png"]);
    }

    [Fact]
    public void Merging_the_same_run_twice_gives_the_same_bytes()
    {
        var once = NotebookOutputs.Merge(Source, Executed);

        Assert.Equal(once, NotebookOutputs.Merge(once, Executed));
        Assert.Empty(NotebookOutputs.Problems(once));
    }

    [Fact]
    public void Cells_that_differ_are_refused()
    {
        var changed = Executed.Replace("\"source\": [\"Show(chart)\"], \"outputs\"", "\"source\": [\"Show(other)\"], \"outputs\"");

        var error = Assert.Throws<InvalidOperationException>(() => NotebookOutputs.Merge(Source, changed));

        Assert.Contains("cell 2 differs", error.Message);
    }

    [Fact]
    public void Problems_name_errors_paths_styles_ids_timestamps_and_size()
    {
        var bad = """
            {"cells": [{"cell_type": "code", "metadata": {"dotnet_repl_cellExecutionEndTime": "x"}, "source": [], "outputs": [
              {"output_type": "error", "ename": "Error", "evalue": "CS0103", "traceback": []},
              {"output_type": "display_data", "data": {"text/plain": "saved to /tmp/run/x.csv"}},
              {"output_type": "display_data", "data": {"text/html": "<style>td {}</style><div id=\"fe0933e4-45d7-470c-ab04-4c68ddd19dd4\"></div>"}},
              {"output_type": "display_data", "data": {"text/plain": "0123456789"}}
            ]}]}
            """;

        var problems = NotebookOutputs.Problems(bad, maxOutputBytes: 60);

        Assert.Contains("cell 1: an error output (CS0103)", problems);
        Assert.Contains("cell 1: an absolute path of this machine (/tmp/run/x.csv)", problems);
        Assert.Contains("cell 1: an inline style sheet", problems);
        Assert.Contains("cell 1: a random id that changes on every run", problems);
        Assert.Contains("cell 1: execution timestamps in its metadata", problems);
        Assert.Contains(problems, p => p.Contains("bytes, over 60"));
    }

    public static TheoryData<string> NotebookFiles() => NotebookPinTests.NotebookFiles();

    [Theory]
    [MemberData(nameof(NotebookFiles))]
    public void Committed_notebooks_are_fit_to_read_on_GitHub(string notebook)
    {
        var problems = NotebookOutputs.Problems(File.ReadAllText(Repository.Path("notebooks", notebook)));

        Assert.True(problems.Count == 0, $"{notebook}: {string.Join("; ", problems)}");
    }
}
