# windows.ps1 - xanet heartbeat from a Windows PC (PowerShell 5+).
# Register it once, from an administrator PowerShell:
#   $a = New-ScheduledTaskAction -Execute "powershell.exe" `
#        -Argument "-NoProfile -WindowStyle Hidden -File C:\xanet\windows.ps1"
#   $t = New-ScheduledTaskTrigger -Once -At (Get-Date) `
#        -RepetitionInterval (New-TimeSpan -Minutes 5)
#   Register-ScheduledTask -TaskName "xanet-heartbeat" -Action $a -Trigger $t `
#        -User "SYSTEM"
$Url = "http://SERVER:8080/hb/TOKEN"
try {
    Invoke-WebRequest -Uri $Url -Method Post -UseBasicParsing -TimeoutSec 20 |
        Out-Null
} catch {
    # Nothing to do: a missed heartbeat is exactly what xanet watches for.
}
