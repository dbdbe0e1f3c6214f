namespace TextAttention.Text;

/// <summary>An example turned into token ids, truncated to the maximum length.</summary>
/// <param name="Index">Its position in the split, so predictions can be traced back.</param>
public sealed record EncodedExample(long[] Ids, long Label, int Index);
