using System.Globalization;
using Microsoft.Data.Analysis;

namespace TextAttention.Notebooks;

/// <summary>
/// Data frames as aligned plain-text tables, for notebook outputs that read well on GitHub and
/// diff cleanly. (<c>DataFrame.ToString()</c> pads every column to a fixed width, so long values
/// run into their neighbours.)
/// </summary>
public static class TextTables
{
    /// <summary>
    /// One line per row under a header and a rule; numbers right-aligned in invariant culture,
    /// text left-aligned, columns two spaces apart. Rows beyond <paramref name="maxRows"/> are
    /// summarised in a final line.
    /// </summary>
    public static string Format(DataFrame frame, int maxRows = 100)
    {
        var shown = (int)Math.Min(frame.Rows.Count, maxRows);
        var columns = frame.Columns.ToList();
        var cells = columns.Select(c => Enumerable.Range(0, shown).Select(r => Cell(c[r])).ToList()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Name.Length, cells[i].Select(v => v.Length).DefaultIfEmpty(0).Max())).ToList();
        var numeric = columns.Select(c => c.DataType != typeof(string) && c.DataType != typeof(bool) && c.DataType != typeof(char)).ToList();

        var lines = new List<string>
        {
            Line(columns.Select(c => c.Name).ToList(), widths, numeric),
            string.Join("  ", widths.Select(w => new string('-', w))),
        };
        for (var r = 0; r < shown; r++)
        {
            lines.Add(Line(cells.Select(c => c[r]).ToList(), widths, numeric));
        }

        if (frame.Rows.Count > shown)
        {
            lines.Add($"... {frame.Rows.Count - shown} more rows");
        }

        return string.Join('\n', lines);
    }

    private static string Line(IReadOnlyList<string> values, IReadOnlyList<int> widths, IReadOnlyList<bool> numeric) =>
        string.Join("  ", values.Select((v, i) => numeric[i] ? v.PadLeft(widths[i]) : v.PadRight(widths[i]))).TrimEnd();

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
