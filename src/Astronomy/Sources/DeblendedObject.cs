namespace MantisShrimp.Engine.Sources;

/// <summary>One object out of the deblender: its pixels, and for a deblended piece the centroid of its core.</summary>
/// <param name="CoreCentre">sep's SEP_OBJ_MERGED: the piece's barycentre before the faint pixels were gathered up,
/// about which its final second moments are taken (analyse with robust = 1).</param>
public sealed record DeblendedObject(int[] Pixels, (double X, double Y)? CoreCentre);
