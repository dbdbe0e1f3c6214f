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
            {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<div id=\"fe0933e4-45d7-470c-ab04-4c68ddd19dd4\"></div><script>var renderPlotly_fe0933e445d7470cab044c68ddd19dd4 = Plotly.newPlot;</script>"]}},
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}},
            {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<div><div></div><div></div><div><strong>Installed Packages</strong><ul><li><span>CsvHelper, 33.1.0</span></li></ul></div></div>"]}},
            {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<div id=\"0b1c2d3e-45d7-470c-ab04-4c68ddd19dd4\"></div><script>var renderPlotly_0b1c2d3e45d7470cab044c68ddd19dd4 = Plotly.newPlot;</script>"]}},
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
        // The install progress and list, the extension path and the null display are gone, and so is the interactive
        // chart that has its PNG copy after it (blank on GitHub); a chart without a copy stays.
        Assert.Equal(2, outputs.Count);
        Assert.Equal("iVBORw0KGgo=", (string?)outputs[0]!["data"]!["image/png"]);
        Assert.Equal("""<div id="chart0002"></div><script>var renderPlotly_chart0002 = Plotly.newPlot;</script>""", (string?)outputs[1]!["data"]!["text/html"]);
    }

    [Fact]
    public void Merging_the_same_run_twice_gives_the_same_bytes()
    {
        var once = NotebookOutputs.Merge(Source, Executed);

        Assert.Equal(once, NotebookOutputs.Merge(once, Executed));
        Assert.Equal(once, NotebookOutputs.Merge(once, once));
        Assert.Equal(["cell 2: an HTML output that shows nothing once its scripts are stripped (as on GitHub)"], NotebookOutputs.Problems(once));
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

    [Fact]
    public void A_progress_display_commits_only_its_final_state()
    {
        const string extensions = "{\"output_type\": \"display_data\", \"metadata\": {}, \"data\": {\"text/plain\": [\"Loading extensions";
        static string Display(string text) => "{\"output_type\": \"display_data\", \"metadata\": {}, \"data\": {\"text/plain\": [\"" + text + "\"]}},\n";
        var executed = Executed.Replace(extensions,
            Display("⏳ study: 3 of 40 runs done (5 s so far)") + Display("⏳ study: 9 of 40 runs done (9 s so far)") + Display("study: 40 runs (12 trained) (14 s)") + extensions);

        var merged = JsonNode.Parse(NotebookOutputs.Merge(Source, executed))!;

        var texts = merged["cells"]![1]!["outputs"]!.AsArray().Select(o => o!["data"]?["text/plain"]?.ToJsonString()).Where(t => t is not null).ToList();
        Assert.Equal(["[\"study: 40 runs (12 trained) (14 s)\"]"], texts);
    }

    [Fact]
    public void Problems_name_a_progress_log_and_a_caption_printed_after_its_chart()
    {
        var log = string.Join(",", Enumerable.Range(1, 5).Select(i => "{\"output_type\": \"display_data\", \"data\": {\"text/plain\": \"" + i + " of 5 runs done\"}}"));
        var bad = $$$"""
            {"cells": [
              {"cell_type": "code", "metadata": {}, "source": [], "outputs": [{{{log}}}]},
              {"cell_type": "code", "metadata": {}, "source": [], "outputs": [{"output_type": "display_data", "data": {"text/plain": "⏳ study: starting"}}]},
              {"cell_type": "code", "metadata": {}, "source": [], "outputs": [
                {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}},
                {"output_type": "stream", "name": "stdout", "text": ["true World, predicted Sports\n"]}]},
              {"cell_type": "code", "metadata": {}, "source": [], "outputs": [
                {"output_type": "stream", "name": "stdout", "text": ["true World, predicted Sports\n"]},
                {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}}]}
            ]}
            """;

        var problems = NotebookOutputs.Problems(bad);

        Assert.Equal(3, problems.Count);
        Assert.Contains("cell 1: a progress log of 5 lines; keep only the final state", problems);
        Assert.Contains(problems, p => p.StartsWith("cell 2: a progress state", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("cell 3: printed text after a chart (true World, predicted Sports)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<div id=\"chart0001\"></div><script>Plotly.newPlot('chart0001', [])</script>", true)]
    [InlineData("<div><script>x()</script>   &nbsp; </div>", true)]
    [InlineData("<div>loss 0.31</div><script>x()</script>", false)]
    [InlineData("<img src=\"data:image/png;base64,iVBORw0KGgo=\"/>", false)]
    [InlineData("<table><tr><td></td></tr></table>", false)]
    public void An_HTML_output_is_blank_when_nothing_is_left_to_see_without_its_scripts(string html, bool blank) =>
        Assert.Equal(blank, NotebookOutputs.BlankWithoutScripts(html));

    public static TheoryData<string> NotebookFiles() => NotebookPinTests.NotebookFiles();

    [Theory]
    [MemberData(nameof(NotebookFiles))]
    public void Committed_notebooks_are_fit_to_read_on_GitHub(string notebook)
    {
        var problems = NotebookOutputs.Problems(File.ReadAllText(Repository.Path("notebooks", notebook)));

        Assert.True(problems.Count == 0, $"{notebook}: {string.Join("; ", problems)}");
    }
}
