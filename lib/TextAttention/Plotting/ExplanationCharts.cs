using Plotly.NET;
using Plotly.NET.CSharp;
using TextAttention.Explanation;
using Chart = Plotly.NET.CSharp.Chart;

namespace TextAttention.Plotting;

/// <summary>The charts of notebook 07: evidence recall per ranking and erasure curves.</summary>
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
    };

    private static Color ColourOf(string ranking) => Color.fromHex(Colours.GetValueOrDefault(ranking, "#8c564b"));

    /// <summary>
    /// Top-k evidence recall of every ranking, per pooling, as grouped bars with t intervals over seeds, and the chance
    /// rate k/L as a line: one panel per k.
    /// </summary>
    public static GenericChart EvidenceRecall(IReadOnlyList<SeedSummary> recall, IReadOnlyList<SeedSummary> chance)
    {
        var ks = recall.Select(r => r.K).Distinct().Order().ToArray();
        if (ks.Length == 0)
        {
            throw new ArgumentException("no evidence recall to plot.", nameof(recall));
        }

        var panels = ks.Select((k, panel) =>
        {
            var rows = recall.Where(r => r.K == k).ToList();
            var poolings = rows.Select(r => r.Pooling).Distinct().ToArray();
            var bars = rows.Select(r => r.Method).Distinct().Select(method =>
            {
                var series = poolings.Select(p => rows.Single(r => r.Pooling == p && r.Method == method)).ToArray();
                var chart = Chart.Column<double, string, string>(series.Select(s => s.Mean).ToArray(), Keys: poolings, Name: method,
                    ShowLegend: panel == 0, MarkerColor: ColourOf(method));
                return Plotly.NET.Chart.withYError(Intervals(series)).Invoke(chart);
            }).ToList();
            var chanceLevel = chance.Where(c => c.K == k).Select(c => c.Mean).DefaultIfEmpty(double.NaN).Average();
            bars.Add(Chart.Line<string, double, string>(poolings, poolings.Select(_ => chanceLevel).ToArray(), Name: "chance (k / L)",
                ShowLegend: panel == 0, LineColor: Color.fromHex("#000000"), LineDash: StyleParam.DrawingStyle.Dash));
            return Chart.Combine(bars);
        });
        return Chart.Grid(panels, 1, ks.Length, SubPlotTitles: ks.Select(k => $"top-{k}: evidence among the {k} highest-ranked tokens").ToArray())
            .WithYAxisStyle<double, double, string>(TitleText: "share of texts", MinMax: new Tuple<double, double>(0, 1))
            .WithTitle("Synthetic corpus: where each ranking puts the deciding token (mean over seeds, 95% t interval)");
    }

    /// <summary>
    /// Accuracy as the top-k tokens by each ranking are deleted, mean over seeds: one panel per dataset × pooling
    /// (datasets in rows), one line per ranking, the same colours in every panel.
    /// </summary>
    public static GenericChart Erasure(IEnumerable<ExplanationRow> rows)
    {
        var list = rows.Where(r => r.Measure == ExplanationStudy.ErasureAccuracy).ToList();
        var datasets = list.Select(r => r.Dataset).Distinct().ToArray();
        var poolings = list.Select(r => r.Pooling).Distinct().ToArray();
        if (datasets.Length == 0)
        {
            throw new ArgumentException("no erasure results to plot.", nameof(rows));
        }

        var panels = new List<GenericChart>();
        var titles = new List<string>();
        foreach (var dataset in datasets)
        {
            foreach (var pooling in poolings)
            {
                var mine = list.Where(r => r.Dataset == dataset && r.Pooling == pooling).ToList();
                titles.Add($"{dataset} · {pooling}");
                panels.Add(Chart.Combine(mine.Select(r => r.Method).Distinct().Select(method =>
                {
                    var points = mine.Where(r => r.Method == method).GroupBy(r => r.K).OrderBy(g => g.Key).ToArray();
                    return Chart.Line<int, double, string>(points.Select(g => g.Key).ToArray(), points.Select(g => 100 * g.Average(r => r.Value)).ToArray(),
                        Name: method, ShowMarkers: true, ShowLegend: panels.Count == 0, LineColor: ColourOf(method), MarkerColor: ColourOf(method));
                })));
            }
        }

        return Chart.Grid(panels, datasets.Length, poolings.Length, SubPlotTitles: titles.ToArray())
            .WithXAxisStyle<double, double, string>(TitleText: "tokens deleted (top-ranked first)")
            .WithYAxisStyle<double, double, string>(TitleText: "accuracy, %")
            .WithTitle("Erasure: accuracy as the highest-ranked tokens are deleted (mean over seeds)");
    }

    private static Plotly.NET.TraceObjects.Error Intervals(IReadOnlyList<SeedSummary> rows) =>
        Plotly.NET.TraceObjects.Error.init<double, double>(null, null, Microsoft.FSharp.Core.FSharpOption<bool>.Some(false),
            Microsoft.FSharp.Core.FSharpOption<IEnumerable<double>>.Some(rows.Select(r => double.IsNaN(r.High) ? 0 : r.High - r.Mean).ToArray()),
            Microsoft.FSharp.Core.FSharpOption<IEnumerable<double>>.Some(rows.Select(r => double.IsNaN(r.Low) ? 0 : r.Mean - r.Low).ToArray()),
            null, null, null, null, null, null, null, null, null, null);
}
