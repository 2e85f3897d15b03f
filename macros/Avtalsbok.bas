Attribute VB_Name = "Avtalsbok"
' The buttons of the avtalsbok. Each button runs one function of avtalsbok.excel.handlers
' in Python through xlwings (the module xlwings beside this one). Kept in macros/ of the
' avtalsbok sources, from which both VBA projects are built: the template's (buttons on the
' sheets) and the add-in's (the Avtalsbok ribbon tab, macros/addin/RibbonAvtalsbok.bas).
Option Explicit

Sub Kontrollera()
    RunPython "import avtalsbok.excel.handlers as h; h.kontrollera()"
End Sub

Sub Uppdatera()
    RunPython "import avtalsbok.excel.handlers as h; h.uppdatera()"
End Sub

Sub SkapaRapport()
    RunPython "import avtalsbok.excel.handlers as h; h.skapa_rapport()"
End Sub

Sub SkickaRapport()
    RunPython "import avtalsbok.excel.handlers as h; h.skicka_rapport()"
End Sub

Sub VisaFel()
    RunPython "import avtalsbok.excel.handlers as h; h.visa_fel()"
End Sub

Sub GorTillAvtalsbok()
    RunPython "import avtalsbok.excel.handlers as h; h.gor_till_avtalsbok()"
End Sub
