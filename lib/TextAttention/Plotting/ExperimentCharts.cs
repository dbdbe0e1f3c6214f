using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Plotly.NET.TraceObjects;
using TextAttention.Experiments;
using TextAttention.Training;
using Chart = Plotly.NET.CSharp.Chart;

namespace TextAttention.Plotting;

/// <summary>The charts of the experiment notebooks: learning curves, accuracy bars, confusion matrices.</summary>
public static class ExperimentCharts
{
    /// <summary>
    /// Validation accuracy against epoch for each pooling on one dataset: the mean over seeds as a
    /// line, with ± one standard deviation as error bars (bands for many poolings hide each other).
    /// </summary>
    public static GenericChart LearningCurves(IEnumerable<RunResult> runs, string dataset) =>
        LearningCurves(Results.Epochs(runs), dataset);

    /// <inheritdoc cref="LearningCurves(IEnumerable{RunResult}, string)"/>
    public static GenericChart LearningCurves(IEnumerable<EpochRow> points, string dataset)
    {
        var list = points.ToList();
        return CurvesOf(list, dataset, PoolingColours(list), showLegend: true)
            .WithXAxisStyle<double, double, string>(TitleText: "epoch")
            .WithYAxisStyle<double, double, string>(TitleText: "validation accuracy")
            .WithTitle($"{dataset}: validation accuracy by epoch (mean ± std over seeds)");
    }

    /// <summary>
    /// The learning curves of every dataset side by side, one panel each, with one colour per
    /// pooling throughout and a single legend: the README's figure.
    /// </summary>
    public static GenericChart LearningCurvesGrid(IEnumerable<EpochRow> points)
    {
        var list = points.ToList();
        var datasets = list.Select(p => p.Dataset).Distinct().ToArray();
        if (datasets.Length == 0)
        {
            throw new ArgumentException("no learning-curve points.", nameof(points));
        }

        var colours = PoolingColours(list);
        var panels = datasets.Select((d, i) => CurvesOf(list, d, colours, showLegend: i == 0));
        return Chart.Grid(panels, 1, datasets.Length, SubPlotTitles: datasets)
            .WithTitle("Validation accuracy by epoch (mean ± std over seeds)");
    }

    private static GenericChart CurvesOf(List<EpochRow> points, string dataset, IReadOnlyDictionary<string, Color> colours, bool showLegend)
    {
        var byPooling = points.Where(p => p.Dataset == dataset).GroupBy(p => p.Pooling).ToList();
        if (byPooling.Count == 0)
        {
            throw new ArgumentException($"no run on '{dataset}'.", nameof(dataset));
        }

        var lines = byPooling.Select(group =>
        {
            var epochs = group.GroupBy(p => p.Epoch).OrderBy(g => g.Key).ToList();
            var x = epochs.Select(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();   // whole epochs, as categories
            var stats = epochs.Select(g => Statistics.MeanStd(g.Select(p => p.ValidationAccuracy).ToList())).ToArray();
            var line = Chart.Line<string, double, string>(x, stats.Select(s => s.Mean).ToArray(), Name: group.Key, ShowMarkers: true,
                ShowLegend: showLegend, LineColor: colours[group.Key], MarkerColor: colours[group.Key]);
            return Plotly.NET.Chart.withYError(ErrorBars(stats.Select(s => s.Std))).Invoke(line);
        });
        return Chart.Combine(lines);
    }

    // Plotly's default colour cycle, fixed per pooling in order of first appearance, so panels agree.
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private static Dictionary<string, Color> PoolingColours(IEnumerable<EpochRow> points) =>
        points.Select(p => p.Pooling).Distinct().Select((p, i) => (p, i)).ToDictionary(x => x.p, x => Color.fromHex(Palette[x.i % Palette.Length]));

    /// <summary>
    /// Mean test accuracy per pooling with ± one standard deviation over seeds, one panel per dataset, each on its own
    /// axis fitted to its points (not from zero, so differences of a point are visible).
    /// </summary>
    public static GenericChart Accuracies(IEnumerable<RunScore> scores)
    {
        var list = scores.ToList();
        var datasets = list.Select(s => s.Dataset).Distinct().ToArray();
        if (datasets.Length == 0)
        {
            throw new ArgumentException("no runs.", nameof(scores));
        }

        var panels = datasets.Select(dataset =>
        {
            var runs = list.Where(s => s.Dataset == dataset).ToList();
            var poolings = runs.Select(s => s.Pooling).Distinct().ToArray();
            var stats = poolings.Select(p => Statistics.MeanStd(runs.Where(s => s.Pooling == p).Select(s => 100 * s.Accuracy).ToList())).ToArray();
            var points = Chart.Point<string, double, string>(poolings, stats.Select(s => s.Mean).ToArray(), Name: dataset, ShowLegend: false,
                MarkerColor: Color.fromHex(Palette[0]));
            return Plotly.NET.Chart.withYError(ErrorBars(stats.Select(s => s.Std))).Invoke(points);
        });
        return Chart.Grid(panels, 1, datasets.Length, SubPlotTitles: datasets)
            .WithYAxisStyle<double, double, string>(TitleText: "test accuracy, %")
            .WithTitle("Test accuracy per pooling (mean ± std over seeds; each panel on its own scale)");
    }

    /// <summary>
    /// The forest plot of paired differences A − B in percentage points: one row per comparison, each with its interval
    /// (at the level at which its family's Holm procedure tested it), families in the order given (primary first), and
    /// the equivalence margin as dashed lines.
    /// </summary>
    public static GenericChart Forest(IReadOnlyList<PairedComparison> comparisons)
    {
        if (comparisons.Count == 0)
        {
            throw new ArgumentException("no comparisons.", nameof(comparisons));
        }

        static string Label(PairedComparison c) => $"{c.Dataset}: {c.A} − {c.B}";
        var labels = comparisons.Select(Label).Reverse().ToArray();   // the first comparison at the top
        var charts = new List<GenericChart>
        {
            // The zero line goes first and passes through every row, so that it fixes the rows' order.
            Chart.Line<double, string, string>(labels.Select(_ => 0.0).ToArray(), labels, Name: "no difference", ShowLegend: false, LineColor: Color.fromHex("#7f7f7f")),
        };
        var margin = 100 * comparisons[0].Margin;
        foreach (var side in new[] { -margin, margin })
        {
            charts.Add(Chart.Line<double, string, string>(labels.Select(_ => side).ToArray(), labels, Name: $"±{margin:0.##} pp (equivalence margin)", ShowLegend: side > 0,
                LineColor: Color.fromHex("#bbbbbb"), LineDash: StyleParam.DrawingStyle.Dash));
        }

        var families = comparisons.Select(c => c.Family).Distinct().ToList();
        foreach (var (family, f) in families.Select((family, f) => (family, f)))
        {
            var rows = comparisons.Where(c => c.Family == family).Reverse().ToList();
            var points = Chart.Point<double, string, string>(rows.Select(c => 100 * c.Mean).ToArray(), rows.Select(Label).ToArray(),
                Name: $"{family} (Holm, {rows[0].FamilySize} comparison{(rows[0].FamilySize == 1 ? "" : "s")})", MarkerColor: Color.fromHex(Palette[f % Palette.Length]));
            charts.Add(Plotly.NET.Chart.withXError(Asymmetric(rows.Select(c => 100 * (c.High - c.Mean)), rows.Select(c => 100 * (c.Mean - c.Low)))).Invoke(points));
        }

        return Chart.Combine(charts)
            .WithXAxisStyle<double, double, string>(TitleText: "difference in test accuracy, percentage points (A − B)")
            .WithTitle("Paired differences over seeds and test items, each interval at its Holm level");
    }

    /// <summary>One bar per named value with an error bar of ± <c>Error</c> (for example a mean ± sd over seeds).</summary>
    public static GenericChart MeanBars(IReadOnlyList<(string Name, double Mean, double Error)> bars, string title, string yTitle)
    {
        var chart = Chart.Column<double, string, string>(bars.Select(b => b.Mean).ToArray(), Keys: bars.Select(b => b.Name).ToArray(), Name: yTitle,
            MarkerColor: Color.fromHex(Palette[0]));
        return Plotly.NET.Chart.withYError(Asymmetric(bars.Select(b => b.Error), bars.Select(b => b.Error))).Invoke(chart)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithTitle(title);
    }

    private static Error Asymmetric(IEnumerable<double> plus, IEnumerable<double> minus) =>
        Error.init<double, double>(null, null, FSharpOption<bool>.Some(false), FSharpOption<IEnumerable<double>>.Some(plus.ToArray()),
            FSharpOption<IEnumerable<double>>.Some(minus.ToArray()), null, null, null, null, null, null, null, null, null, null);

    /// <summary>A confusion matrix as a heatmap: true classes in rows (top to bottom), predicted in columns.</summary>
    public static GenericChart Confusion(Evaluation evaluation, IReadOnlyList<string> classNames, string title)
    {
        var k = evaluation.Classes;
        if (classNames.Count != k)
        {
            throw new ArgumentException($"{classNames.Count} class names for a {k}×{k} confusion matrix.", nameof(classNames));
        }

        var rows = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, k).Select(j => (double)evaluation.Confusion[i, j]).ToArray()).ToArray();
        var heatmap = Chart.Heatmap<double, string, string, string>(rows, X: classNames.ToArray(), Y: classNames.ToArray(), ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true);
        // Each cell shows its count, so the matrix can be read without hovering (and in the static copy).
        heatmap = GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(trace =>
        {
            trace.SetProperty("texttemplate", "%{z:d}");
            return trace;
        }), heatmap);
        return heatmap
            .WithXAxisStyle<double, double, string>(TitleText: "predicted")
            .WithYAxisStyle<double, double, string>(TitleText: "true")
            .WithTitle(title);
    }

    // F# optional arguments: null stands for "not given".
    private static Error ErrorBars(IEnumerable<double> sizes) =>
        Error.init<double, double>(null, null, null, FSharpOption<IEnumerable<double>>.Some(sizes.ToArray()), null, null, null, null, null, null, null, null, null, null, null);
}
