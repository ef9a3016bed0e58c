namespace Ferry.Kustomize;

/// <summary>
/// kustomize's built-in knowledge of where Kubernetes kinds keep labels, selectors, annotations and references to other
/// objects by name (its default transformer configurations), as field specs.
/// </summary>
internal static class BuiltinSpecs
{
    /// <summary>Where each kind keeps its pod spec (the referrers of config maps, secrets, accounts, claims).</summary>
    private static readonly (string Kind, string PodSpec)[] PodSpecs =
    [
        ("Pod", "spec"), ("PodTemplate", "template/spec"), ("Deployment", "spec/template/spec"), ("ReplicaSet", "spec/template/spec"),
        ("DaemonSet", "spec/template/spec"), ("StatefulSet", "spec/template/spec"), ("Job", "spec/template/spec"),
        ("CronJob", "spec/jobTemplate/spec/template/spec"), ("ReplicationController", "spec/template/spec"),
    ];

    private static readonly string[] AffinitySelectors =
    [
        "affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        "affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        "affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
        "affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
        "topologySpreadConstraints/labelSelector/matchLabels",
    ];

    /// <summary>metadata.labels everywhere, and the pod template labels of the workload kinds.</summary>
    public static readonly FieldSpec[] MetadataLabels =
    [
        new("", "metadata/labels", true),
        new("ReplicationController", "spec/template/metadata/labels", true, Version: "v1"),
        new("Deployment", "spec/template/metadata/labels", true), new("ReplicaSet", "spec/template/metadata/labels", true),
        new("DaemonSet", "spec/template/metadata/labels", true), new("StatefulSet", "spec/template/metadata/labels", true, "apps"),
        new("StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true, "apps"),
        new("Job", "spec/template/metadata/labels", true, "batch"), new("CronJob", "spec/jobTemplate/metadata/labels", true, "batch"),
        new("CronJob", "spec/jobTemplate/spec/template/metadata/labels", true, "batch"),
    ];

    /// <summary>commonLabels (and labels with includeSelectors): the metadata labels plus every selector.</summary>
    public static readonly FieldSpec[] CommonLabels =
    [
        new("Service", "spec/selector", true, Version: "v1"), new("ReplicationController", "spec/selector", true, Version: "v1"),
        new("Deployment", "spec/selector/matchLabels", true),
        .. AffinitySelectors.Select(p => new FieldSpec("Deployment", "spec/template/spec/" + p, false, "apps")),
        new("ReplicaSet", "spec/selector/matchLabels", true), new("DaemonSet", "spec/selector/matchLabels", true),
        new("StatefulSet", "spec/selector/matchLabels", true, "apps"),
        .. AffinitySelectors.Select(p => new FieldSpec("StatefulSet", "spec/template/spec/" + p, false, "apps")),
        new("Job", "spec/selector/matchLabels", false, "batch"), new("CronJob", "spec/jobTemplate/spec/selector/matchLabels", false, "batch"),
        new("PodDisruptionBudget", "spec/selector/matchLabels", false, "policy"),
        new("NetworkPolicy", "spec/podSelector/matchLabels", false, "networking.k8s.io"),
        new("NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false, "networking.k8s.io"),
        new("NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false, "networking.k8s.io"),
        .. MetadataLabels,
    ];

    public static readonly FieldSpec[] CommonAnnotations =
    [
        new("", "metadata/annotations", true), new("", "spec/template/metadata/annotations", false),
        new("ReplicationController", "spec/template/metadata/annotations", true, Version: "v1"),
        new("Deployment", "spec/template/metadata/annotations", true), new("ReplicaSet", "spec/template/metadata/annotations", true),
        new("DaemonSet", "spec/template/metadata/annotations", true), new("StatefulSet", "spec/template/metadata/annotations", true),
        new("Job", "spec/template/metadata/annotations", true, "batch"),
        new("CronJob", "spec/jobTemplate/metadata/annotations", true, "batch"),
        new("CronJob", "spec/jobTemplate/spec/template/metadata/annotations", true, "batch"),
    ];

    /// <summary>For each kind, the fields of other kinds that name an object of it.</summary>
    public static readonly Dictionary<string, FieldSpec[]> NameReferences = new(StringComparer.Ordinal)
    {
        ["ConfigMap"] =
        [
            .. InPods(["volumes/configMap/name", "containers/env/valueFrom/configMapKeyRef/name",
                "initContainers/env/valueFrom/configMapKeyRef/name", "containers/envFrom/configMapRef/name",
                "initContainers/envFrom/configMapRef/name", "volumes/projected/sources/configMap/name"], except: ["ReplicationController"]),
            new("Node", "spec/configSource/configMap"), new("Role", "rules/resourceNames"), new("ClusterRole", "rules/resourceNames"),
            new("Ingress", @"metadata/annotations/nginx.ingress.kubernetes.io\/fastcgi-params-configmap"),
        ],
        ["Secret"] =
        [
            .. InPods(["volumes/secret/secretName", "containers/env/valueFrom/secretKeyRef/name",
                "initContainers/env/valueFrom/secretKeyRef/name", "containers/envFrom/secretRef/name",
                "initContainers/envFrom/secretRef/name", "imagePullSecrets/name", "volumes/projected/sources/secret/name"],
                except: ["ReplicationController"]),
            new("Ingress", "spec/tls/secretName"), new("Ingress", @"metadata/annotations/ingress.kubernetes.io\/auth-secret"),
            new("Ingress", @"metadata/annotations/nginx.ingress.kubernetes.io\/auth-secret"),
            new("Ingress", @"metadata/annotations/nginx.ingress.kubernetes.io\/auth-tls-secret"),
            new("ServiceAccount", "imagePullSecrets/name"), new("StorageClass", "parameters/secretName"),
            new("StorageClass", "parameters/adminSecretName"), new("StorageClass", "parameters/userSecretName"),
            new("StorageClass", "parameters/secretRef"), new("Role", "rules/resourceNames"), new("ClusterRole", "rules/resourceNames"),
            new("PersistentVolume", "spec/azureFile/secretName"),
        ],
        ["Service"] =
        [
            new("StatefulSet", "spec/serviceName", Group: "apps"), new("Ingress", "spec/rules/http/paths/backend/serviceName"),
            new("Ingress", "spec/backend/serviceName"), new("Ingress", "spec/rules/http/paths/backend/service/name"),
            new("Ingress", "spec/defaultBackend/service/name"), new("APIService", "spec/service/name", Group: "apiregistration.k8s.io"),
            new("ValidatingWebhookConfiguration", "webhooks/clientConfig/service"),
            new("MutatingWebhookConfiguration", "webhooks/clientConfig/service"), new("HTTPRoute", "spec/rules/backendRefs/name"),
        ],
        ["Role"] = [new("RoleBinding", "roleRef/name", Group: "rbac.authorization.k8s.io")],
        ["ClusterRole"] =
        [
            new("RoleBinding", "roleRef/name", Group: "rbac.authorization.k8s.io"),
            new("ClusterRoleBinding", "roleRef/name", Group: "rbac.authorization.k8s.io"),
        ],
        ["ServiceAccount"] =
        [
            new("RoleBinding", "subjects", Group: "rbac.authorization.k8s.io"),
            new("ClusterRoleBinding", "subjects", Group: "rbac.authorization.k8s.io"),
            .. InPods(["serviceAccountName"], except: ["ReplicaSet", "PodTemplate"]),
        ],
        ["PersistentVolumeClaim"] = [.. InPods(["volumes/persistentVolumeClaim/claimName"], except: ["ReplicaSet", "PodTemplate"])],
        ["PersistentVolume"] = [new("PersistentVolumeClaim", "spec/volumeName"), new("ClusterRole", "rules/resourceNames")],
        ["StorageClass"] =
        [
            new("PersistentVolume", "spec/storageClassName"), new("PersistentVolumeClaim", "spec/storageClassName"),
            new("StatefulSet", "spec/volumeClaimTemplates/spec/storageClassName"),
        ],
        ["PriorityClass"] = [.. InPods(["priorityClassName"], except: ["ReplicaSet", "PodTemplate"])],
        ["IngressClass"] = [new("Ingress", "spec/ingressClassName")],
        ["Deployment"] = [new("HorizontalPodAutoscaler", "spec/scaleTargetRef/name")],
        ["ReplicationController"] = [new("HorizontalPodAutoscaler", "spec/scaleTargetRef/name")],
        ["ReplicaSet"] = [new("HorizontalPodAutoscaler", "spec/scaleTargetRef/name")],
        ["StatefulSet"] = [new("HorizontalPodAutoscaler", "spec/scaleTargetRef/name")],
    };

    private static IEnumerable<FieldSpec> InPods(string[] paths, string[] except) =>
        PodSpecs.Where(p => !except.Contains(p.Kind)).SelectMany(p => paths.Select(path => new FieldSpec(p.Kind, p.PodSpec + "/" + path)));
}
