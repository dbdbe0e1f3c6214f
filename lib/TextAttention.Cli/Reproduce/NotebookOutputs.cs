using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TextAttention.Notebooks;

namespace TextAttention.Cli.Reproduce;

/// <summary>
/// Puts the outputs of an executed notebook back into its source notebook so that the committed
/// file reads well on GitHub and diffs cleanly: the source's cells and metadata are kept byte for
/// byte in meaning, only outputs and execution counts come from the run, and what would change on
/// every run or reveal this machine is removed (package-install progress, extension paths, random
/// chart element ids, execution timestamps), and so is the kernel's display of a null value, which
/// carries nothing but a style sheet, and the installed-packages list and imported markdown of the setup cell. An interactive chart
/// that has its PNG copy right after it is dropped too: GitHub strips the chart's scripts and would show an
/// empty box above the picture, while VS Code and Jupyter draw the interactive chart again when the cell runs.
/// </summary>
public static partial class NotebookOutputs
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The source notebook with the executed copy's cleaned outputs.</summary>
    /// <exception cref="InvalidOperationException">The two notebooks do not have the same cells.</exception>
    public static string Merge(string sourceJson, string executedJson)
    {
        var source = JsonNode.Parse(sourceJson)!.AsObject();
        var executed = JsonNode.Parse(executedJson)!.AsObject();
        var sourceCells = source["cells"]!.AsArray();
        var executedCells = executed["cells"]!.AsArray();
        if (sourceCells.Count != executedCells.Count)
        {
            throw new InvalidOperationException($"the executed notebook has {executedCells.Count} cells, the source {sourceCells.Count}");
        }

        var charts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < sourceCells.Count; i++)
        {
            var cell = sourceCells[i]!.AsObject();
            if ((string?)cell["cell_type"] != "code")
            {
                continue;
            }

            var run = executedCells[i]!.AsObject();
            if (SourceText(cell) != SourceText(run))
            {
                throw new InvalidOperationException($"cell {i + 1} differs between the source and the executed notebook");
            }

            var kept = new List<JsonObject>();
            foreach (var output in run["outputs"]?.AsArray() ?? [])
            {
                if (Clean(output!.DeepClone().AsObject(), charts) is { } clean)
                {
                    kept.Add(clean);
                }
            }

            if (SourceText(cell).TrimStart().StartsWith("#!import", StringComparison.Ordinal))
            {
                // An imported file's markdown cells are its own documentation, not this notebook's output.
                kept.RemoveAll(o => o["data"]?["text/markdown"] is not null);
            }

            kept.RemoveAll(o => Joined(o["data"]?["text/plain"]).StartsWith(NotebookProgress.Running, StringComparison.Ordinal));
            var outputs = new JsonArray();
            for (var o = 0; o < kept.Count; o++)
            {
                if (!(IsInteractiveChart(kept[o]) && o + 1 < kept.Count && kept[o + 1]["data"]?["image/png"] is not null))
                {
                    outputs.Add(kept[o]);
                }
            }

            cell["outputs"] = outputs;
            cell["execution_count"] = run["execution_count"]?.DeepClone();
        }

        return source.ToJsonString(Json) + "\n";
    }

    /// <summary>Problems that make a committed notebook unfit to read or diff; empty when it is fit.</summary>
    public static IReadOnlyList<string> Problems(string notebookJson, int maxOutputBytes = 1_000_000)
    {
        var problems = new List<string>();
        var cells = JsonNode.Parse(notebookJson)!["cells"]!.AsArray();
        for (var i = 0; i < cells.Count; i++)
        {
            var counted = 0;
            var chartSeen = false;
            foreach (var output in cells[i]!["outputs"]?.AsArray() ?? [])
            {
                var plain = Joined(output!["data"]?["text/plain"]) + Joined(output["text"]);
                if (plain.StartsWith(NotebookProgress.Running, StringComparison.Ordinal))
                {
                    problems.Add($"cell {i + 1}: a progress state that the write-back keeps only in its final form ({plain.Split('\n')[0]})");
                }

                counted += ProgressLine().Matches(plain).Count;
                var isChart = output["data"]?["image/png"] is not null || IsInteractiveChart(output.AsObject());
                if ((string?)output["output_type"] == "stream" && chartSeen && plain.Trim().Length > 0)
                {
                    problems.Add($"cell {i + 1}: printed text after a chart ({plain.Trim().Split('\n')[0]}); a caption belongs before its chart (Say(text) keeps it in place)");
                }

                chartSeen |= isChart;
            }

            if (counted > 3)
            {
                problems.Add($"cell {i + 1}: a progress log of {counted} lines; keep only the final state");
            }

            foreach (var output in cells[i]!["outputs"]?.AsArray() ?? [])
            {
                var text = output!.ToJsonString(Compact);
                var where = $"cell {i + 1}";
                if ((string?)output["output_type"] == "error")
                {
                    problems.Add($"{where}: an error output ({(string?)output["evalue"]})");
                }

                if (AbsolutePath().Match(text) is { Success: true } path)
                {
                    problems.Add($"{where}: an absolute path of this machine ({path.Value})");
                }

                if (text.Length > maxOutputBytes)
                {
                    problems.Add($"{where}: an output of {text.Length:N0} bytes, over {maxOutputBytes:N0}");
                }

                if (text.Contains("<style", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{where}: an inline style sheet");
                }

                if (Guid().IsMatch(text))
                {
                    problems.Add($"{where}: a random id that changes on every run");
                }

                if (Joined(output["data"]?["text/html"]) is { Length: > 0 } html && output["data"]?["text/plain"] is null && BlankWithoutScripts(html))
                {
                    problems.Add($"{where}: an HTML output that shows nothing once its scripts are stripped (as on GitHub)");
                }
            }

            if (cells[i]!["metadata"]?.ToJsonString(Compact).Contains("dotnet_repl_", StringComparison.Ordinal) == true)
            {
                problems.Add($"cell {i + 1}: execution timestamps in its metadata");
            }
        }

        return problems;
    }

    private static JsonObject? Clean(JsonObject output, Dictionary<string, string> charts)
    {
        var data = output["data"]?.AsObject();
        var html = Joined(data?["text/html"]);
        var plain = Joined(data?["text/plain"]);
        if (html.Contains("<strong>Installing Packages</strong>", StringComparison.Ordinal) ||
            html.Contains("<strong>Installed Packages</strong>", StringComparison.Ordinal) ||
            plain.StartsWith("Loading extensions from ", StringComparison.Ordinal) ||
            html.StartsWith("<div class=\"dni-plaintext\"><pre>&lt;null&gt;</pre></div>", StringComparison.Ordinal))
        {
            return null;
        }

        if (data is not null && html.Length > 0)
        {
            // Plotly's container and render-function ids are random; number them by first appearance instead.
            var stable = Guid().Replace(html, m => Id(charts, m.Value.Replace("-", "", StringComparison.Ordinal)));
            stable = HexId().Replace(stable, m => Id(charts, m.Value));
            if (stable != html)
            {
                data["text/html"] = JsonValue.Create(stable);
            }
        }

        output.Remove("metadata");
        output["metadata"] = new JsonObject();
        return output;
    }

    /// <summary>Whether an output is a Plotly chart drawn by scripts (nothing to see where scripts do not run).</summary>
    private static bool IsInteractiveChart(JsonObject output) =>
        Joined(output["data"]?["text/html"]) is { Length: > 0 } html && html.Contains("Plotly", StringComparison.Ordinal) && BlankWithoutScripts(html);

    /// <summary>Whether HTML shows no text, image or table once its scripts are removed: what GitHub's renderer leaves of it.</summary>
    public static bool BlankWithoutScripts(string html)
    {
        var withoutScripts = Script().Replace(html, "");
        if (Visual().IsMatch(withoutScripts))
        {
            return false;
        }

        return System.Net.WebUtility.HtmlDecode(Tag().Replace(withoutScripts, "")).Trim().Length == 0;
    }

    [GeneratedRegex(@"<script\b.*?</script\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Script();

    [GeneratedRegex(@"<(img|svg|table|canvas|iframe)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Visual();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    private static string Id(Dictionary<string, string> charts, string key)
    {
        if (!charts.TryGetValue(key, out var id))
        {
            id = $"chart{charts.Count + 1:D4}";
            charts[key] = id;
        }

        return id;
    }

    private static string SourceText(JsonObject cell) => Joined(cell["source"]);

    private static string Joined(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        _ => (string?)node ?? "",
    };

    [GeneratedRegex(@"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"(?<=renderPlotly_)[0-9a-f]{32}")]
    private static partial Regex HexId();

    [GeneratedRegex(@"(?<![\w.])/(?:root|home|tmp|work|Users|var/folders)/[^\s""'`<>)]*")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"^\s*\d+ of \d+ (runs|models)\b", RegexOptions.Multiline)]
    private static partial Regex ProgressLine();
}
