Attribute VB_Name = "RibbonAvtalsbok"
' The callbacks of the Avtalsbok ribbon tab of avtalsbok.xlam (customUI/customUI14.xml names
' them in onAction). Each one runs the Sub of the module Avtalsbok that the template's button
' of the same caption runs, so both packagings share one set of RunPython lines. The add-in's
' xlwings module hands Python the active workbook, not the add-in.
Option Explicit

Sub OnKontrollera(control As IRibbonControl)
    Avtalsbok.Kontrollera
End Sub

Sub OnUppdatera(control As IRibbonControl)
    Avtalsbok.Uppdatera
End Sub

Sub OnSkapaRapport(control As IRibbonControl)
    Avtalsbok.SkapaRapport
End Sub

Sub OnSkickaRapport(control As IRibbonControl)
    Avtalsbok.SkickaRapport
End Sub

Sub OnVisaFel(control As IRibbonControl)
    Avtalsbok.VisaFel
End Sub

Sub OnGorTillAvtalsbok(control As IRibbonControl)
    Avtalsbok.GorTillAvtalsbok
End Sub
