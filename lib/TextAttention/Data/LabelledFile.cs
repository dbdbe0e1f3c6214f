using TextAttention.IO;
using System.Globalization;
using Microsoft.VisualBasic.FileIO;

namespace TextAttention.Data;

/// <summary>How the records of a labelled CSV or TSV file are laid out.</summary>
/// <param name="Delimiter">',' for CSV, '\t' for TSV.</param>
/// <param name="Quoted">Whether fields may be enclosed in double quotes (doubled quotes inside).</param>
/// <param name="Header">Whether the first record names the columns.</param>
/// <param name="TextColumns">The columns joined with a space to form the text: names when there is a header, otherwise 1-based positions ("2").</param>
/// <param name="LabelColumn">The label's column, by name or 1-based position.</param>
/// <param name="Columns">The exact number of fields every record must have; null to take it from the first record.</param>
public sealed record LabelledFileLayout(char Delimiter, bool Quoted, bool Header, IReadOnlyList<string> TextColumns, string LabelColumn, int? Columns = null)
{
    /// <summary>AG News: "label","title","description", no header.</summary>
    public static LabelledFileLayout AgNews { get; } = new(',', Quoted: true, Header: false, ["2", "3"], "1", Columns: 3);

    /// <summary>THUCNews headlines: text&lt;TAB&gt;label, no header, no quoting.</summary>
    public static LabelledFileLayout ThucNews { get; } = new('\t', Quoted: false, Header: false, ["1"], "2", Columns: 2);
}

/// <summary>
/// Reads labelled examples from CSV or TSV files with .NET's own <see cref="TextFieldParser"/>.
/// Every problem names the file and line. Policy: blank lines are ignored; records whose text is
/// empty are skipped and counted in a warning; everything else that is wrong stops the load.
/// </summary>
public static class LabelledFile
{
    /// <summary>The raw (text, label, line) records of a file, validated for shape.</summary>
    public static IReadOnlyList<(string Text, string Label, long Line)> ReadRecords(string path, LabelledFileLayout layout, Func<string, string>? cleanText = null)
    {
        var content = TextFile.ReadAllText(path);
        using var parser = new TextFieldParser(new StringReader(content))
        {
            TextFieldType = FieldType.Delimited,
            HasFieldsEnclosedInQuotes = layout.Quoted,
            TrimWhiteSpace = false,
        };
        parser.SetDelimiters(layout.Delimiter.ToString());

        var records = new List<(string, string, long)>();
        int[]? textIndices = null;
        var labelIndex = -1;
        var expected = layout.Columns;
        string[]? header = null;
        while (true)
        {
            var line = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException e)
            {
                throw new DataFormatException(path, e.LineNumber, "the record cannot be parsed: an unterminated or misplaced quote");
            }

            if (fields is null)
            {
                break;
            }

            expected ??= fields.Length;
            if (fields.Length != expected)
            {
                var names = header is null ? "" : $" ({string.Join(", ", header)})";
                throw new DataFormatException(path, line, $"the record has {fields.Length} fields; expected {expected}{names}");
            }

            if (layout.Header && header is null)
            {
                header = fields;
                textIndices = layout.TextColumns.Select(c => ColumnIndex(c, header, path)).ToArray();
                labelIndex = ColumnIndex(layout.LabelColumn, header, path);
                continue;
            }

            textIndices ??= layout.TextColumns.Select(c => ColumnIndex(c, null, path, fields.Length)).ToArray();
            if (labelIndex < 0)
            {
                labelIndex = ColumnIndex(layout.LabelColumn, null, path, fields.Length);
            }

            var text = string.Join(" ", textIndices.Select(i => fields[i].Trim()).Where(t => t.Length > 0));
            records.Add((cleanText is null ? text : cleanText(text), fields[labelIndex], line));
        }

        return records;
    }

    /// <summary>
    /// Examples with resolved labels. Records with empty text are skipped and reported through
    /// <paramref name="warn"/> with their count and first line numbers.
    /// </summary>
    public static List<Example> Read(string path, LabelledFileLayout layout, LabelSet labels, Action<string> warn, Func<string, string>? cleanText = null)
    {
        var examples = new List<Example>();
        var emptyLines = new List<long>();
        foreach (var (text, label, line) in ReadRecords(path, layout, cleanText))
        {
            var index = labels.Resolve(label, path, line);
            if (string.IsNullOrWhiteSpace(text))
            {
                emptyLines.Add(line);
                continue;
            }

            examples.Add(new Example(text, index));
        }

        if (emptyLines.Count > 0)
        {
            warn($"{path}: skipped {emptyLines.Count} record(s) with empty text (line {string.Join(", ", emptyLines.Take(5))}{(emptyLines.Count > 5 ? ", ..." : "")})");
        }

        if (examples.Count == 0)
        {
            throw new DataFormatException(path, 0, "no record has any text");
        }

        return examples;
    }

    private static int ColumnIndex(string column, string[]? header, string path, int fieldCount = int.MaxValue)
    {
        if (header is not null)
        {
            var index = Array.FindIndex(header, h => string.Equals(h.Trim(), column, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index;
            }

            throw new DataFormatException(path, 1, $"no column named '{column}'; the header has {string.Join(", ", header)}");
        }

        if (int.TryParse(column, NumberStyles.Integer, CultureInfo.InvariantCulture, out var position) && position >= 1 && position <= fieldCount)
        {
            return position - 1;
        }

        throw new DataFormatException(path, 1, $"column '{column}' must be a position from 1 to {fieldCount} when the file has no header");
    }
}
