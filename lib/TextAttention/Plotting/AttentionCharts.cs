using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;
using static TorchSharp.torch;

namespace TextAttention.Plotting;

/// <summary>The charts the attention notebooks draw, built with Plotly.NET.CSharp.</summary>
public static class AttentionCharts
{
    /// <summary>
    /// Category labels for tokens that stay distinct when a word repeats ("1 the", …, "5 the"):
    /// Plotly merges equal category names into one.
    /// </summary>
    public static string[] TokenLabels(IEnumerable<string> tokens) =>
        tokens.Select((token, i) => $"{i + 1} {token}").ToArray();

    /// <summary>
    /// A T×T attention matrix as a heatmap, query i in row i from the top, key j in column j.
    /// </summary>
    /// <param name="matrix">(T, T) weights; row i holds query i's weights over the keys.</param>
    /// <param name="tokens">The T tokens, labelling both axes.</param>
    /// <param name="title">The chart's title.</param>
    public static GenericChart Heatmap(Tensor matrix, IReadOnlyList<string> tokens, string title)
    {
        if (matrix.dim() != 2 || matrix.shape[0] != tokens.Count || matrix.shape[1] != tokens.Count)
        {
            throw new ArgumentException($"matrix must have shape (T, T) = ({tokens.Count}, {tokens.Count}); got ({string.Join(", ", matrix.shape)}).", nameof(matrix));
        }

        var labels = TokenLabels(tokens);
        // ReverseYAxis puts query 1 on top, as in a printed matrix.
        return Chart.Heatmap<double, string, string, string>(Rows(matrix), X: labels, Y: labels, ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true)
            .WithXAxisStyle<double, double, string>(TitleText: "key j")
            .WithYAxisStyle<double, double, string>(TitleText: "query i")
            .WithTitle(title);
    }

    /// <summary>A predictor's L × L matrix (<see cref="Inference.Prediction.Matrix"/>) as a heatmap.</summary>
    public static GenericChart Heatmap(float[,] matrix, IReadOnlyList<string> tokens, string title)
    {
        using var values = tensor(matrix);
        return Heatmap(values, tokens, title);
    }

    /// <summary>One weight per token as bars; several series side by side when given.</summary>
    public static GenericChart WeightBars(IReadOnlyList<string> tokens, string title, params (string Name, Tensor Weights)[] series) =>
        WeightBars(tokens, title, series.Select(s => (s.Name, (IReadOnlyList<double>)Values(s.Weights))).ToArray());

    /// <summary>
    /// One weight per token as bars (for example a prediction's weights), every token labelled on the axis. Several
    /// series go in panels one above the other, each on its own scale, so a series of small weights (attention_1's
    /// near-uniform 1/L) stays visible beside one that puts 0.95 on a single token.
    /// </summary>
    public static GenericChart WeightBars(IReadOnlyList<string> tokens, string title, params (string Name, IReadOnlyList<double> Weights)[] series)
    {
        if (series.Length == 0)
        {
            throw new ArgumentException("give at least one series of weights.", nameof(series));
        }

        var labels = TokenLabels(tokens);
        var bars = series.Select(s =>
        {
            var values = s.Weights.ToArray();
            if (values.Length != tokens.Count)
            {
                throw new ArgumentException($"series '{s.Name}' has {values.Length} weights for {tokens.Count} tokens.", nameof(series));
            }

            return Chart.Column<double, string, string>(values, Keys: labels, Name: s.Name);
        }).ToList();
        if (bars.Count == 1)
        {
            return EveryTick(bars[0].WithYAxisStyle<double, double, string>(TitleText: "weight"), labels.Length, axes: 1).WithTitle(title);
        }

        var grid = Chart.Grid(bars, bars.Count, 1, SubPlotTitles: series.Select(s => s.Name).ToArray());
        return EveryTick(grid, labels.Length, axes: bars.Count).WithTitle(title);
    }

    /// <summary>
    /// Labels every category on the x axes (Plotly skips labels when they crowd), turned and in a smaller type when
    /// there are many, so that each token of a text can be read under its bar.
    /// </summary>
    private static GenericChart EveryTick(GenericChart chart, int categories, int axes)
    {
        for (var i = 1; i <= axes; i++)
        {
            var axis = new Plotly.NET.LayoutObjects.LinearAxis();
            axis.SetProperty("dtick", 1);
            axis.SetProperty("tickangle", categories > 12 ? -60 : 0);
            axis.SetProperty("tickfont", Font.init(null, Microsoft.FSharp.Core.FSharpOption<double>.Some(categories > 40 ? 8 : categories > 20 ? 10 : 12), null));
            axis.SetProperty("automargin", true);
            chart = Plotly.NET.Chart.withXAxis(axis, StyleParam.SubPlotId.NewXAxis(i)).Invoke(chart);
        }

        return chart;
    }

    /// <summary>Lines of y against x, one per named series, with markers.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, params (string Name, double[] X, double[] Y)[] series) =>
        Chart.Combine(series.Select(s => Chart.Line<double, double, string>(s.X, s.Y, Name: s.Name, ShowMarkers: true)))
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithTitle(title);

    private static double[] Values(Tensor t) => t.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    private static double[][] Rows(Tensor matrix)
    {
        var values = Values(matrix);
        var columns = (int)matrix.shape[1];
        return Enumerable.Range(0, (int)matrix.shape[0]).Select(i => values.Skip(i * columns).Take(columns).ToArray()).ToArray();
    }
}
