@echo off
rem nm-host launcher for Windows, where a browser finds the host through the registry and starts this file
rem for every port (cmd.exe /d /c). Nothing here, and nothing the JVM says, may reach stdout: in host mode
rem every stdout byte is read as a native-messaging frame; "echo off" keeps cmd.exe itself quiet.
rem
rem Environment: NM_HOST_JAVA (else %JAVA_HOME%\bin\java.exe, else java on PATH; Java 17 or later),
rem NM_HOST_JAVA_OPTS, NM_HOST_LAUNCHER (the path install writes into manifests; default: this file).
rem Unlike bin/nm-host it keeps no class-data archive and gives relays the whole lib\ class path.
setlocal
set "nm_home=%~dp0.."
if defined NM_HOST_JAVA (
  set "nm_java=%NM_HOST_JAVA%"
) else if defined JAVA_HOME (
  set "nm_java=%JAVA_HOME%\bin\java.exe"
) else (
  set "nm_java=java"
)
if not defined NM_HOST_LAUNCHER set "NM_HOST_LAUNCHER=%~f0"
"%nm_java%" -XX:+DisplayVMOutputToStderr -Xlog:disable -Xlog:all=warning:stderr -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData "-Dnm.host.launcher=%NM_HOST_LAUNCHER%" "-Dnm.host.daemon.class.path=%nm_home%\lib\*" %NM_HOST_JAVA_OPTS% -cp "%nm_home%\lib\*" dev.nm.host.cli.NmHostMain %*
exit /b %ERRORLEVEL%
