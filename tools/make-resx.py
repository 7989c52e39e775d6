"""Generates the portal's .resx files from tools/strings.tsv (key, zh-CN, en). Run after editing the TSV."""
import pathlib, xml.sax.saxutils as x
root = pathlib.Path(__file__).resolve().parent.parent
rows = [l.rstrip("\n").split("\t") for l in (root / "tools/strings.tsv").read_text(encoding="utf-8").splitlines() if l.strip()]
head = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''
for suffix, col in (("", 1), (".en", 2)):
    body = "".join(f'  <data name="{x.escape(r[0])}" xml:space="preserve"><value>{x.escape(r[col])}</value></data>\n' for r in rows)
    (root / f"src/Workstation.Portal/Localization/SharedResource{suffix}.resx").write_text(head + body + "</root>\n", encoding="utf-8")
print(len(rows), "strings")
