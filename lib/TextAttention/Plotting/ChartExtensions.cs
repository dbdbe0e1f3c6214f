using Microsoft.FSharp.Core;
using Plotly.NET;

namespace TextAttention.Plotting;

/// <summary>
/// C# spellings of the few Plotly.NET layout functions that Plotly.NET.CSharp 0.14 does not wrap.
/// </summary>
public static class ChartExtensions
{
    /// <summary>Sets the chart's title (Plotly.NET's <c>Chart.withTitle</c>).</summary>
    public static GenericChart WithTitle(this GenericChart chart, string title) =>
        Chart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);
}
