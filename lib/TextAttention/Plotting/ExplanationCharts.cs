using Plotly.NET;
using Plotly.NET.CSharp;
using TextAttention.Explanation;
using Chart = Plotly.NET.CSharp.Chart;

namespace TextAttention.Plotting;

/// <summary>The charts of notebook 07: faithfulness curves, and grouped bars with intervals for every other figure.</summary>
public static class ExplanationCharts
{
    // One colour per ranking throughout, chance in grey.
    private static readonly Dictionary<string, string> Colours = new()
    {
        [Explainer.AttentionMethod] = "#d62728",
        [Explainer.GradientMethod] = "#1f77b4",
        [Explainer.IntegratedGradientsMethod] = "#2ca02c",
        [Explainer.LeaveOneOutMethod] = "#9467bd",
        [ExplanationStudy.RandomRanking] = "#7f7f7f",
        ["chance"] = "#7f7f7f",
    };

    private static Color ColourOf(string ranking) => Color.fromHex(Colours.GetValueOrDefault(ranking, "#8c564b"));

    /// <summary>
    /// A text's path from the baseline: the predicted class's logit against α, with the ends of the partition integrated
    /// gradients refined marked along it, so a steep stretch shows where the intervals crowd.
    /// </summary>
    public static GenericChart Path(PathTrace trace, string title)
    {
        double At(double alpha) => trace.Logits[(int)Math.Round(alpha * (trace.Alphas.Length - 1))];
        var line = Chart.Line<double, double, string>(trace.Alphas, trace.Logits, Name: "logit of the predicted class at α·x", LineColor: ColourOf(Explainer.IntegratedGradientsMethod));
        var ends = Chart.Point<double, double, string>(trace.Refined.Ends, trace.Refined.Ends.Select(At).ToArray(), Name: $"ends of the {trace.Refined.Steps} intervals",
            MarkerColor: Color.fromHex("#000000"));
        return Chart.Combine([line, ends])
            .WithXAxisStyle<double, double, string>(TitleText: "α (0 = all-zero baseline, 1 = the text)")
            .WithYAxisStyle<double, double, string>(TitleText: "logit")
            .WithTitle(title);
    }

    /// <summary>
    /// ERASER's curves for one corpus: comprehensiveness (top row) and sufficiency (bottom row) against the share of
    /// tokens deleted or kept, one panel per pooling, one line per ranking, each point with its 95% interval over seeds
    /// and texts.
    /// </summary>
    public static GenericChart Faithfulness(IReadOnlyList<ExplanationSummary> summaries, string dataset)
    {
        var rows = summaries.Where(s => s.Dataset == dataset && s.K > 0 && s.Measure is ExplanationStudy.Comprehensiveness or ExplanationStudy.Sufficiency).ToList();
        var poolings = rows.Select(r => r.Pooling).Distinct().ToArray();
        if (poolings.Length == 0)
        {
            throw new ArgumentException($"no faithfulness figures for {dataset}.", nameof(summaries));
        }

        var panels = new List<GenericChart>();
        var titles = new List<string>();
        foreach (var measure in new[] { ExplanationStudy.Comprehensiveness, ExplanationStudy.Sufficiency })
        {
            foreach (var pooling in poolings)
            {
                titles.Add($"{pooling}: {measure}");
                var mine = rows.Where(r => r.Measure == measure && r.Pooling == pooling).ToList();
                panels.Add(Chart.Combine(mine.Select(r => r.Method).Distinct().Select(method =>
                {
                    var points = mine.Where(r => r.Method == method).OrderBy(r => r.K).ToList();
                    var line = Chart.Line<int, double, string>(points.Select(p => p.K).ToArray(), points.Select(p => p.Mean).ToArray(), Name: method, ShowMarkers: true,
                        ShowLegend: panels.Count == 0, LineColor: ColourOf(method), MarkerColor: ColourOf(method));
                    return Plotly.NET.Chart.withYError(Intervals(points)).Invoke(line);
                })));
            }
        }

        return Chart.Grid(panels, 2, poolings.Length, SubPlotTitles: titles.ToArray())
            .WithXAxisStyle<double, double, string>(TitleText: "% of tokens deleted (comprehensiveness) or kept (sufficiency)")
            .WithYAxisStyle<double, double, string>(TitleText: "drop in p(predicted class)")
            .WithTitle($"{dataset}: comprehensiveness (higher is more faithful) and sufficiency (lower is), 95% intervals over seeds and texts");
    }

    /// <summary>
    /// One figure as grouped bars: a group per pooling (and corpus), a bar per method, each with its 95% interval; methods
    /// named "chance" or "random" in grey.
    /// </summary>
    public static GenericChart Bars(IReadOnlyList<ExplanationSummary> rows, string title, string yTitle)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("no figures to plot.", nameof(rows));
        }

        var datasets = rows.Select(r => r.Dataset).Distinct().Count();
        string Group(ExplanationSummary r) => datasets > 1 ? $"{r.Dataset} · {r.Pooling}" : r.Pooling;
        var groups = rows.Select(Group).Distinct().ToArray();
        var bars = rows.Select(r => r.Method).Distinct().Select(method =>
        {
            var series = groups.Select(g => rows.FirstOrDefault(r => Group(r) == g && r.Method == method)).ToArray();
            var present = series.Where(s => s is not null).Select(s => s!).ToList();
            var chart = Chart.Column<double, string, string>(present.Select(s => s.Mean).ToArray(), Keys: present.Select(Group).ToArray(), Name: method,
                MarkerColor: ColourOf(method));
            return Plotly.NET.Chart.withYError(Intervals(present)).Invoke(chart);
        });
        return Chart.Combine(bars)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithTitle(title);
    }

    private static Plotly.NET.TraceObjects.Error Intervals(IReadOnlyList<ExplanationSummary> rows) =>
        Plotly.NET.TraceObjects.Error.init<double, double>(null, null, Microsoft.FSharp.Core.FSharpOption<bool>.Some(false),
            Microsoft.FSharp.Core.FSharpOption<IEnumerable<double>>.Some(rows.Select(r => double.IsNaN(r.High) ? 0 : r.High - r.Mean).ToArray()),
            Microsoft.FSharp.Core.FSharpOption<IEnumerable<double>>.Some(rows.Select(r => double.IsNaN(r.Low) ? 0 : r.Mean - r.Low).ToArray()),
            null, null, null, null, null, null, null, null, null, null);
}
