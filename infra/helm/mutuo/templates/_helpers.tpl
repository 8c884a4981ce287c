{{/* Names, labels and the pieces every Deployment and Job shares. */}}

{{- define "mutuo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>" when it already names the chart, else "<release>-mutuo"; resources add "-<component>". */}}
{{- define "mutuo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "mutuo.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's resources: (dict "root" $ "component" "membership"). */}}
{{- define "mutuo.componentName" -}}
{{- printf "%s-%s" (include "mutuo.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mutuo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mutuo.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of every resource of a component; "version" is its image tag when it has one. */}}
{{- define "mutuo.labels" -}}
{{ include "mutuo.selectorLabels" . }}
app.kubernetes.io/part-of: mutuo
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- with .version }}
app.kubernetes.io/version: {{ . | trunc 63 | quote }}
{{- end }}
{{- end -}}

{{/* One service's settings: serviceDefaults overlaid with services.<name>, database names filled in. Use with fromYaml. */}}
{{- define "mutuo.service" -}}
{{- $svc := mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy (index .root.Values.services .name)) -}}
{{- $_ := set $svc.database "name" (default (printf "mutuo_%s" .name) $svc.database.name) -}}
{{- $_ := set $svc.database "user" (default (printf "mutuo_%s_app" .name) $svc.database.user) -}}
{{- $_ := set $svc.database "host" (default .root.Values.postgresql.host $svc.database.host) -}}
{{- $_ := set $svc.image "tag" (default .root.Chart.AppVersion $svc.image.tag | toString) -}}
{{- toYaml $svc -}}
{{- end -}}

{{/* registry/repository:tag, from (dict "root" $ "image" $image). */}}
{{- define "mutuo.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag | toString -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The token settings every container shares (JWT_ISSUER, JWT_AUDIENCE, JWT_ALGORITHMS and a public key source). */}}
{{- define "mutuo.authConfig" -}}
{{- with .Values.auth }}
{{- with .issuer }}
JWT_ISSUER: {{ . | quote }}
{{- end }}
{{- with .audience }}
JWT_AUDIENCE: {{ . | quote }}
{{- end }}
{{- with .algorithms }}
JWT_ALGORITHMS: {{ . | quote }}
{{- end }}
{{- with .publicKey }}
JWT_PUBLIC_KEY: {{ . | quote }}
{{- end }}
{{- with .jwksUrl }}
JWT_JWKS_URL: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* A service's non-secret variables (its ConfigMap's data, and the Jobs' env), from (dict "root" $ "name" $name "svc" $svc). */}}
{{- define "mutuo.serviceConfig" -}}
{{- $root := .root -}}
{{- $db := .svc.database -}}
NODE_ENV: {{ $root.Values.global.nodeEnv | quote }}
LOG_LEVEL: {{ $root.Values.global.logLevel | quote }}
REGION: {{ $root.Values.global.region | quote }}
NATS_PREFIX: {{ $root.Values.global.natsPrefix | quote }}
HOST: "0.0.0.0"
PORT: {{ .svc.port | toString | quote }}
{{- /* No password here: DATABASE_APP_PASSWORD comes from the Secret. */}}
DATABASE_URL: {{ printf "postgres://%s@%s:%v/%s%s" $db.user $db.host $root.Values.postgresql.port $db.name (ternary (printf "?%s" $root.Values.postgresql.params) "" (ne $root.Values.postgresql.params "")) | quote }}
{{- if not .svc.nats.existingSecret }}
NATS_URL: {{ $root.Values.nats.url | quote }}
{{- end }}
{{- include "mutuo.authConfig" $root }}
{{- range $key, $value := .svc.env }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* One env entry read from a Secret: (dict "name" "VAR" "secret" "s" "key" "k" "optional" false). */}}
{{- define "mutuo.secretEnvVar" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* The shared secrets of the auth settings: GATEWAY_SHARED_SECRET and, for HS* tokens, JWT_SECRET. */}}
{{- define "mutuo.authSecretEnv" -}}
{{- with .Values.auth.gatewaySharedSecret }}
{{- if .existingSecret }}
{{ include "mutuo.secretEnvVar" (dict "name" "GATEWAY_SHARED_SECRET" "secret" .existingSecret "key" .key) }}
{{- end }}
{{- end }}
{{- with .Values.auth.jwtSecret }}
{{- if .existingSecret }}
{{ include "mutuo.secretEnvVar" (dict "name" "JWT_SECRET" "secret" .existingSecret "key" .key) }}
{{- end }}
{{- end }}
{{- end -}}

{{/* A service's secret variables, by reference; "admin" adds DATABASE_ADMIN_URL (migration Jobs), "natsSecret"/"natsKey" replace its NATS_URL. */}}
{{- define "mutuo.serviceSecretEnv" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- with $svc.database.existingSecret }}
{{ include "mutuo.secretEnvVar" (dict "name" "DATABASE_APP_PASSWORD" "secret" . "key" $svc.database.appPasswordKey) }}
{{- if $.admin }}
{{ include "mutuo.secretEnvVar" (dict "name" "DATABASE_ADMIN_URL" "secret" . "key" $svc.database.adminUrlKey) }}
{{- end }}
{{- end }}
{{- if .natsSecret }}
{{ include "mutuo.secretEnvVar" (dict "name" "NATS_URL" "secret" .natsSecret "key" .natsKey) }}
{{- else if $svc.nats.existingSecret }}
{{ include "mutuo.secretEnvVar" (dict "name" "NATS_URL" "secret" $svc.nats.existingSecret "key" $svc.nats.urlKey) }}
{{- end }}
{{- include "mutuo.authSecretEnv" $root }}
{{- with $root.Values.personalDataKeks }}
{{- if .existingSecret }}
{{ include "mutuo.secretEnvVar" (dict "name" "PERSONAL_DATA_KEKS" "secret" .existingSecret "key" .key) }}
{{- end }}
{{- end }}
{{- range $svc.secretEnv }}
{{ include "mutuo.secretEnvVar" . }}
{{- end }}
{{- end -}}

{{/* The /tmp emptyDir: the root file system is read-only. */}}
{{- define "mutuo.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{- define "mutuo.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Startup, liveness and readiness probes on the container's port named "http". */}}
{{- define "mutuo.probes" -}}
startupProbe:
  httpGet: { path: /health/live, port: http }
  {{- toYaml .Values.probes.startup | nindent 2 }}
livenessProbe:
  httpGet: { path: /health/live, port: http }
  {{- toYaml .Values.probes.liveness | nindent 2 }}
readinessProbe:
  httpGet: { path: /health/ready, port: http }
  {{- toYaml .Values.probes.readiness | nindent 2 }}
{{- end -}}

{{/* Scheduling settings of a pod spec, from a component's settings. */}}
{{- define "mutuo.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "mutuo.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Names of the services that are enabled, in a fixed order. */}}
{{- define "mutuo.enabledServices" -}}
{{- $root := . -}}
{{- range $name := list "membership" "requests" "matching" "funds" "notifications" -}}
{{- $cfg := index $root.Values.services $name | default dict -}}
{{- if and (hasKey $root.Values.services $name) (ne (toString (dig "enabled" $root.Values.serviceDefaults.enabled $cfg)) "false") }}
- {{ $name }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A YAML map of variables (a ConfigMap's data) as a container's env list. */}}
{{- define "mutuo.inlineEnv" -}}
{{- range $key, $value := fromYaml . }}
- name: {{ $key }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Egress to DNS and, as asked, PostgreSQL and NATS: (dict "root" $ "postgresql" true "nats" true). */}}
{{- define "mutuo.infrastructureEgress" -}}
{{- $policy := .root.Values.networkPolicy -}}
- to:
    {{- toYaml $policy.dnsTo | nindent 4 }}
  ports:
    - { port: 53, protocol: UDP }
    - { port: 53, protocol: TCP }
{{- if .postgresql }}
- to:
    {{- toYaml $policy.postgresqlTo | nindent 4 }}
  ports:
    - { port: {{ $policy.postgresqlPort }}, protocol: TCP }
{{- end }}
{{- if .nats }}
- to:
    {{- toYaml $policy.natsTo | nindent 4 }}
  ports:
    - { port: {{ $policy.natsPort }}, protocol: TCP }
{{- end }}
{{- end -}}

{{/* The gateway's non-secret variables: its settings and each enabled subgraph's URL inside the cluster. */}}
{{- define "mutuo.gatewayConfig" -}}
{{- $root := . -}}
NODE_ENV: {{ .Values.global.nodeEnv | quote }}
LOG_LEVEL: {{ .Values.global.logLevel | quote }}
HOST: "0.0.0.0"
PORT: {{ .Values.gateway.port | toString | quote }}
{{- include "mutuo.authConfig" . }}
{{- range $name := include "mutuo.enabledServices" . | fromYamlArray }}
{{- $svc := include "mutuo.service" (dict "root" $root "name" $name) | fromYaml }}
{{ printf "SUBGRAPH_%s_URL" (upper $name) }}: {{ printf "http://%s:%v/graphql" (include "mutuo.componentName" (dict "root" $root "component" $name)) $svc.port | quote }}
{{- end }}
{{- range $key, $value := .Values.gateway.env }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Labels of a component's pods: no chart version, so a chart upgrade rolls only the pods whose settings changed. */}}
{{- define "mutuo.podLabels" -}}
{{ include "mutuo.selectorLabels" . }}
app.kubernetes.io/part-of: mutuo
{{- with .version }}
app.kubernetes.io/version: {{ . | trunc 63 | quote }}
{{- end }}
{{- end -}}
