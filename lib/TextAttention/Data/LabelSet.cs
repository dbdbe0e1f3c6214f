using TextAttention.IO;
using System.Globalization;

namespace TextAttention.Data;

/// <summary>
/// The classes of a corpus, and how labels in its files name them: by name, or by an integer code
/// that starts at <see cref="FirstCode"/> (AG News counts from 1, THUCNews from 0).
/// </summary>
public sealed class LabelSet
{
    private readonly Dictionary<string, int> _byName;

    public LabelSet(IReadOnlyList<string> names, int firstCode = 0)
    {
        if (names.Count < 2)
        {
            throw new ArgumentException($"a classification corpus needs at least 2 classes; got {names.Count}.", nameof(names));
        }

        Names = names;
        FirstCode = firstCode;
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (!_byName.TryAdd(names[i], i))
            {
                throw new ArgumentException($"the class name '{names[i]}' appears twice.", nameof(names));
            }
        }
    }

    public IReadOnlyList<string> Names { get; }

    public int FirstCode { get; }

    public int Count => Names.Count;

    /// <summary>
    /// The classes named by a file of class names, one per line (AG News's classes.txt, THUCNews's class.txt).
    /// </summary>
    public static LabelSet FromFile(string path, int firstCode)
    {
        var names = new List<string>();
        foreach (var (number, text) in TextFile.ReadLines(path))
        {
            var name = text.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (names.Contains(name))
            {
                throw new DataFormatException(path, number, $"the class name '{name}' appears twice");
            }

            names.Add(name);
        }

        if (names.Count < 2)
        {
            throw new DataFormatException(path, 0, $"names {names.Count} class; a classification corpus needs at least 2");
        }

        return new LabelSet(names, firstCode);
    }

    /// <summary>
    /// The classes found in a file's labels: integer codes when every label is an integer (numbered
    /// from the smallest, which must be 0 or 1, with no gaps), otherwise names in ordinal order.
    /// </summary>
    public static LabelSet Discover(IEnumerable<string> labels, string path)
    {
        var distinct = labels.Select(l => l.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.All(l => int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
        {
            var codes = distinct.Select(l => int.Parse(l, CultureInfo.InvariantCulture)).Order().ToList();
            var first = codes.FirstOrDefault();
            if (codes.Count < 2 || first is not (0 or 1) || codes[^1] - first != codes.Count - 1)
            {
                throw new DataFormatException(path, 0, $"integer labels must run without gaps from 0 or 1; found {string.Join(", ", codes)}");
            }

            return new LabelSet(codes.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray(), first);
        }

        if (distinct.Count < 2)
        {
            throw new DataFormatException(path, 0, $"found {distinct.Count} distinct label; a classification corpus needs at least 2");
        }

        return new LabelSet(distinct.Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>The class index of a label as written in a file, or an error naming the file and line.</summary>
    public int Resolve(string label, string path, long line)
    {
        var trimmed = label.Trim();
        if (_byName.TryGetValue(trimmed, out var index))
        {
            return index;
        }

        if (int.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) && code >= FirstCode && code < FirstCode + Count)
        {
            return code - FirstCode;
        }

        throw new DataFormatException(path, line, $"the label '{trimmed}' is not one of {FirstCode}–{FirstCode + Count - 1} or the class names ({string.Join(", ", Names)})");
    }
}
